package dev.shoehorn.backup.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;

/**
 * Between pg_dump's bytes and an archive object's stored bytes: zstd first (where the worker
 * compresses), then encryption (where the archive is encrypted), as the object's suffixes say
 * ({@code .zst.enc}). The manifest's size and SHA-256 are of the stored bytes, so an archive is
 * checked without a key. The worker and the CLI both compile this class.
 */
public final class ArchiveCodec {

    /** Bytes of input per zstd job (its smallest is 512 KiB). */
    static final int ZSTD_JOB_SIZE = 2 * 1024 * 1024;

    private ArchiveCodec() {
    }

    /**
     * What an archive object's name adds to pg_dump's for its encoding: {@code .zst} where the worker
     * compresses, then {@code .enc} where it is encrypted.
     */
    public static String suffix(Compression compression, boolean encrypted) {
        return compression.suffix() + (encrypted ? Encryption.SUFFIX : "");
    }

    /**
     * What pg_dump's bytes go into for {@code stored} to receive the object's bytes; closing it
     * finishes the zstd frame and the last encrypted segment (and closes {@code stored}).
     *
     * @param keys the keyring, present exactly when the archive is encrypted
     * @param objectName the object's name under the prefix ({@code <target>/<file>}), bound into the encryption
     * @param workers zstd's compression threads beside the caller's
     */
    public static OutputStream encoder(OutputStream stored, Compression compression, Optional<Keyring> keys,
            String objectName, int workers) throws IOException {
        OutputStream out = stored;
        if (keys.isPresent()) {
            out = keys.get().encrypting(out, objectName);
        }
        if (compression.inWorker()) {
            ZstdOutputStreamNoFinalizer zstd = new ZstdOutputStreamNoFinalizer(out, RecyclingBufferPool.INSTANCE,
                    compression.level());
            // the frame's own checksum lets `zstd -t` and a by-hand restore catch damage without the manifest
            zstd.setChecksum(true);
            if (workers > 0) {
                zstd.setWorkers(workers);
                // zstd's own job size at level 3 is 8 MiB, and a few jobs per worker are in flight:
                // smaller jobs keep its native memory to about 20 MiB at no measurable loss of ratio
                zstd.setJobSize(ZSTD_JOB_SIZE);
            }
            out = zstd;
        }
        return out;
    }

    /**
     * pg_dump's bytes from an object's {@code stored} bytes. A decryption failure surfaces as
     * {@link DecryptionException}; damaged zstd data as another {@link IOException}.
     *
     * @param keys the keyring; required when {@code encryption} is present
     */
    public static InputStream decoder(InputStream stored, Compression compression, Optional<Encryption> encryption,
            Optional<Keyring> keys, String objectName) throws IOException {
        InputStream in = stored;
        if (encryption.isPresent()) {
            Keyring keyring = keys.orElseThrow(() -> new DecryptionException("the archive is encrypted with key "
                    + encryption.get().keyId() + " and no keyset is configured", null));
            if (!keyring.has(encryption.get().keyId())) {
                throw new DecryptionException("the archive is encrypted with key " + encryption.get().keyId()
                        + ", which is not among the keyset's enabled keys " + keyring.keyIds(), null);
            }
            in = keyring.decrypting(in, objectName);
        }
        if (compression != null && compression.inWorker()) {
            in = new ZstdInputStreamNoFinalizer(in, RecyclingBufferPool.INSTANCE);
        }
        return in;
    }
}
