package dev.shoehorn.backup.storage;

/** What a write that never replaces an object did. */
public enum PutIfAbsent {
    /** The object is new. */
    CREATED,
    /** An object is under the key, or being written there by someone else; nothing was written. */
    ALREADY_EXISTS
}
