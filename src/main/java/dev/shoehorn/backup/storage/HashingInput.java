package dev.shoehorn.backup.storage;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

import dev.shoehorn.backup.codec.SourceInput;

/**
 * An archive's stored bytes as they are read: counted and hashed, to be checked against the
 * manifest, and (as every {@link SourceInput}) noting whether reading them failed.
 */
public final class HashingInput extends SourceInput {

    private final MessageDigest sha256 = Sha256.digest();
    private long bytes;
    private String hex;

    public HashingInput(InputStream stored) {
        super(stored);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (hex != null) {
            throw new IOException("read after the hash was taken");
        }
        int n = super.read(b, off, len);
        if (n > 0) {
            sha256.update(b, off, n);
            bytes += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // every byte must be hashed: skipping reads
        byte[] buffer = new byte[(int) Math.min(n, 64 * 1024)];
        int read = read(buffer, 0, buffer.length);
        return Math.max(0, read);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    public long bytes() {
        return bytes;
    }

    /** The hex SHA-256 of the stream: ask once every byte has been read, after which reading ends. */
    public String sha256() {
        if (hex == null) {
            hex = Sha256.hex(sha256);
        }
        return hex;
    }

}
