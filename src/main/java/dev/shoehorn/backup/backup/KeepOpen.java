package dev.shoehorn.backup.backup;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** An upload as an encoder's sink: closing the encoder must not close (that is, abort) the upload. */
final class KeepOpen extends FilterOutputStream {

    KeepOpen(OutputStream upload) {
        super(upload);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}
