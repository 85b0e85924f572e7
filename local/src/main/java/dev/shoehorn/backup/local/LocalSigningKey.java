package dev.shoehorn.backup.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;

import dev.shoehorn.backup.signing.Ed25519Keys;
import dev.shoehorn.backup.signing.Signer;

/**
 * The local stack's Ed25519 key pair, made at the first start in {@code <data dir>/signing/} and
 * kept across restarts: the worker child signs its events with it and the demo its commands. The
 * private key's file is its owner's only (0600) and its content is never printed: the worker is
 * given the file's path.
 */
final class LocalSigningKey {

    static final String KEY_ID = "local";

    private final Path privateKeyFile;
    private final Path publicKeyFile;
    private final PublicKey publicKey;
    private final Signer signer;
    private final boolean created;

    private LocalSigningKey(Path privateKeyFile, Path publicKeyFile, PublicKey publicKey, Signer signer,
            boolean created) {
        this.privateKeyFile = privateKeyFile;
        this.publicKeyFile = publicKeyFile;
        this.publicKey = publicKey;
        this.signer = signer;
        this.created = created;
    }

    /** Reads the pair from the data directory, making it first when there is none. */
    static LocalSigningKey ensure(Path dataDir) throws IOException {
        Path dir = dataDir.resolve("signing");
        Path privateFile = dir.resolve(KEY_ID + ".key");
        Path publicFile = dir.resolve(KEY_ID + ".pub");
        boolean created = !Files.exists(privateFile);
        if (created) {
            KeyPair pair = Ed25519Keys.generate();
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.createFile(privateFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(privateFile, Ed25519Keys.pem(pair.getPrivate()));
            Files.writeString(publicFile, Ed25519Keys.pem(pair.getPublic()));
        }
        try {
            return new LocalSigningKey(privateFile, publicFile, Ed25519Keys.publicKey(Files.readString(publicFile)),
                    new Signer(KEY_ID, Ed25519Keys.privateKey(Files.readString(privateFile))), created);
        } catch (IllegalArgumentException | NoSuchFileException e) {
            throw new IllegalStateException("the local signing key pair in " + dir + " is unusable (" + e.getMessage()
                    + "): delete that folder to have a new pair made");
        }
    }

    Path privateKeyFile() {
        return privateKeyFile;
    }

    /** The public key in the form of {@code backup.signing.public-keys.<keyId>}. */
    String publicKeyBase64() {
        return Ed25519Keys.base64(publicKey);
    }

    Signer signer() {
        return signer;
    }

    /** For the startup log: where the public key is, never the private one's content. */
    String describe() {
        return "key id " + KEY_ID + ", " + (created ? "made now" : "found") + ": public " + publicKeyFile
                + ", private " + privateKeyFile + " (0600)";
    }

    @Override
    public String toString() {
        return "LocalSigningKey[" + KEY_ID + "]";
    }
}
