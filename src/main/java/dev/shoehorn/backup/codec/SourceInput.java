package dev.shoehorn.backup.codec;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Stored bytes as a decoder reads them, noting whether reading them failed: a decoder's failure
 * on top can then be told from the store's (a storage error is worth another attempt, a bad key or
 * damaged bytes are not). Subclasses see every chunk read through {@link #read(byte[], int, int)}.
 */
public class SourceInput extends FilterInputStream {

    private volatile boolean failed;

    public SourceInput(InputStream stored) {
        super(stored);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /** Whether reading the stored bytes failed. */
    public boolean failed() {
        return failed;
    }
}
