package dev.shoehorn.backup.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ArchiveCodecTest {

    private static final String NAME = "shoehorn/shoehorn_20261205_020000.dump.zst.enc";
    /** Tink's AES256_GCM_HKDF_1MB: stored segments of 1 MiB, the first holding the header and a shorter one. */
    private static final int SEGMENT = 1 << 20;

    /** Text that compresses about 4:1, several segments long once compressed. */
    private static final byte[] DUMP = dumpLike(16 << 20);

    private final String keyset = Keyring.newKeysetJson();
    private final Keyring keys = Keyring.parse(keyset);

    @Test
    void zstdAloneRoundTripsAndCompressesLikeRealData() throws IOException {
        byte[] stored = encode(Compression.ZSTD, Optional.empty(), NAME);

        assertThat(decode(stored, Compression.ZSTD, Optional.empty(), Optional.empty(), NAME)).isEqualTo(DUMP);
        assertThat((double) DUMP.length / stored.length).isBetween(2.5, 6.0);
    }

    @Test
    void zstdThenEncryptionRoundTripsUnderTheKeyItRecords() throws IOException {
        byte[] stored = encode(Compression.ZSTD, Optional.of(keys), NAME);

        assertThat(decode(stored, Compression.ZSTD, Optional.of(keys.primary()), Optional.of(keys), NAME))
                .isEqualTo(DUMP);
        assertThat(keys.primary().scheme()).isEqualTo(Encryption.SCHEME);
        assertThat(keys.keyIds()).containsExactly(keys.primary().keyId());
    }

    @Test
    void theStoredBytesShowNothingOfTheDump() throws IOException {
        byte[] stored = encode(Compression.NONE, Optional.of(keys), NAME);

        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("tenant");
    }

    @Test
    void aTruncatedArchiveFailsToDecryptEvenAtASegmentBoundary() throws IOException {
        // Given an encrypted archive cut short where a whole segment ends
        byte[] stored = encode(Compression.NONE, Optional.of(keys), NAME);
        int boundary = (stored.length - 1) / SEGMENT * SEGMENT;
        assertThat(boundary).isGreaterThan(SEGMENT);
        byte[] truncated = Arrays.copyOf(stored, boundary);

        // When it is decrypted, Then the missing end is noticed, not taken for the end of the archive
        assertThatThrownBy(() -> decode(truncated, Compression.NONE, Optional.of(keys.primary()), Optional.of(keys), NAME))
                .isInstanceOf(DecryptionException.class);
    }

    @Test
    void reorderedSegmentsFailToDecrypt() throws IOException {
        // Given an archive whose second and third segments have traded places
        byte[] stored = encode(Compression.NONE, Optional.of(keys), NAME);
        int start = SEGMENT;
        int size = SEGMENT;
        byte[] swapped = stored.clone();
        System.arraycopy(stored, start, swapped, start + size, size);
        System.arraycopy(stored, start + size, swapped, start, size);

        assertThatThrownBy(() -> decode(swapped, Compression.NONE, Optional.of(keys.primary()), Optional.of(keys), NAME))
                .isInstanceOf(DecryptionException.class);
    }

    @Test
    void aFlippedBitFailsToDecrypt() throws IOException {
        byte[] stored = encode(Compression.ZSTD, Optional.of(keys), NAME);
        stored[stored.length / 2] ^= 0x10;

        assertThatThrownBy(() -> decode(stored, Compression.ZSTD, Optional.of(keys.primary()), Optional.of(keys), NAME))
                .isInstanceOf(DecryptionException.class);
    }

    @Test
    void anArchiveMovedToAnotherNameFailsToDecrypt() throws IOException {
        byte[] stored = encode(Compression.ZSTD, Optional.of(keys), NAME);

        assertThatThrownBy(() -> decode(stored, Compression.ZSTD, Optional.of(keys.primary()), Optional.of(keys),
                "other/other_20261205_020000.dump.zst.enc")).isInstanceOf(DecryptionException.class);
    }

    @Test
    void aWrongOrMissingKeyFailsWithDecryptionNamingTheKeyNotTheMaterial() throws IOException {
        byte[] stored = encode(Compression.ZSTD, Optional.of(keys), NAME);
        Keyring other = Keyring.parse(Keyring.newKeysetJson());

        // a keyset without the recorded key, and no keyset at all
        assertThatThrownBy(() -> decode(stored, Compression.ZSTD, Optional.of(keys.primary()), Optional.of(other), NAME))
                .isInstanceOf(DecryptionException.class).hasMessageContaining(keys.primary().keyId())
                .hasMessageNotContaining(keyset.substring(keyset.indexOf("value") + 8, keyset.indexOf("value") + 30));
        assertThatThrownBy(() -> decode(stored, Compression.ZSTD, Optional.of(keys.primary()), Optional.empty(), NAME))
                .isInstanceOf(DecryptionException.class).hasMessageContaining("no keyset");
        // a keyset claiming the recorded id with other material
        Encryption claimed = new Encryption(Encryption.SCHEME, other.primary().keyId());
        assertThatThrownBy(() -> decode(stored, Compression.ZSTD, Optional.of(claimed), Optional.of(other), NAME))
                .isInstanceOf(DecryptionException.class);
    }

    @Test
    void afterRotationNewArchivesUseTheNewKeyAndOldOnesStillDecrypt() throws IOException {
        // Given an archive encrypted before the keyset gained a new primary key
        byte[] old = encode(Compression.ZSTD, Optional.of(keys), NAME);
        Keyring rotated = Keyring.parse(Keyring.withNewPrimary(keyset));

        // When a new archive is made
        byte[] fresh = encode(Compression.ZSTD, Optional.of(rotated), NAME);

        // Then it records the new key, and both decrypt with the rotated keyset
        assertThat(rotated.primary().keyId()).isNotEqualTo(keys.primary().keyId());
        assertThat(rotated.keyIds()).contains(keys.primary().keyId(), rotated.primary().keyId());
        assertThat(decode(old, Compression.ZSTD, Optional.of(keys.primary()), Optional.of(rotated), NAME)).isEqualTo(DUMP);
        assertThat(decode(fresh, Compression.ZSTD, Optional.of(rotated.primary()), Optional.of(rotated), NAME))
                .isEqualTo(DUMP);
    }

    @Test
    void aKeysetThatIsNotOneIsRefusedWithoutQuotingIt() {
        String secretish = "{\"primaryKeyId\": 1, \"key\": [{\"keyData\": {\"value\": \"c2VjcmV0LW1hdGVyaWFs\"}}]}";

        assertThatThrownBy(() -> Keyring.parse(secretish)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("c2VjcmV0");
        assertThat(keys.toString()).doesNotContain(keyset.substring(keyset.indexOf("value") + 8,
                keyset.indexOf("value") + 30));
    }

    @Test
    void damagedZstdDataFailsToDecompress() throws IOException {
        byte[] stored = encode(Compression.ZSTD, Optional.empty(), NAME);
        stored[stored.length / 2] ^= 0x55;

        assertThatThrownBy(() -> decode(stored, Compression.ZSTD, Optional.empty(), Optional.empty(), NAME))
                .isInstanceOf(IOException.class).isNotInstanceOf(DecryptionException.class);
    }

    private static byte[] encode(Compression compression, Optional<Keyring> keys, String name) throws IOException {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (OutputStream out = ArchiveCodec.encoder(stored, compression, keys, name, 2)) {
            for (int off = 0; off < DUMP.length; off += 100_000) {
                out.write(DUMP, off, Math.min(100_000, DUMP.length - off));
            }
        }
        return stored.toByteArray();
    }

    private static byte[] decode(byte[] stored, Compression compression, Optional<Encryption> encryption,
            Optional<Keyring> keys, String name) throws IOException {
        try (InputStream in = ArchiveCodec.decoder(new ByteArrayInputStream(stored), compression, encryption, keys, name)) {
            return in.readAllBytes();
        }
    }

    private static byte[] dumpLike(int size) {
        String[] words = new String[4096];
        Random random = new Random(42);
        for (int i = 0; i < words.length; i++) {
            StringBuilder w = new StringBuilder();
            for (int j = 3 + random.nextInt(8); j > 0; j--) {
                w.append((char) ('a' + random.nextInt(26)));
            }
            words[i] = w.toString();
        }
        StringBuilder text = new StringBuilder(size + 100);
        while (text.length() < size) {
            text.append(random.nextInt(1_000_000)).append("\ttenant-").append(random.nextInt(50)).append('\t');
            for (int j = 0; j < 12; j++) {
                text.append(words[random.nextInt(words.length)]).append(' ');
            }
            text.append('\n');
        }
        return text.substring(0, size).getBytes(StandardCharsets.UTF_8);
    }
}
