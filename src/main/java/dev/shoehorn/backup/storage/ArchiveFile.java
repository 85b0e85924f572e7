package dev.shoehorn.backup.storage;

/**
 * One file of a directory archive, as its manifest lists it.
 *
 * @param name the file's name as pg_dump wrote it ({@code toc.dat}, {@code 3012.dat}); pg_restore wants it so
 * @param object its object's name in the archive's folder: {@code name} plus the encoding's suffix ({@code 3012.dat.zst})
 * @param bytes the object's size
 * @param sha256 the object's SHA-256, hex
 */
public record ArchiveFile(String name, String object, long bytes, String sha256) {

    /** pg_dump's table of contents, the file it writes last. */
    public static final String TOC = "toc.dat";
}
