package dev.shoehorn.backup.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CompressionTest {

    @ParameterizedTest
    @CsvSource({
            "zstd, zstd:3, --compress=0, .zst",
            "zstd:19, zstd:19, --compress=0, .zst",
            "zstd:1, zstd:1, --compress=0, .zst",
            "none, none, --compress=0, ''",
            "native:6, native:gzip:6, --compress=6, ''",
            "native:gzip:0, native:gzip:0, --compress=0, ''",
            "native:lz4, native:lz4, --compress=lz4, ''",
            "native:zstd:5, native:zstd:5, --compress=zstd:5, ''" })
    void specsReadBackAndTellPgDumpWhatToDo(String spec, String normal, String flag, String suffix) {
        // Given a compression as a command or the configuration writes it, When it is read
        Compression compression = Compression.parse(spec);

        // Then it prints as it reads, and pg_dump and the archive's name follow from it
        assertThat(compression.spec()).isEqualTo(normal);
        assertThat(Compression.parse(compression.spec())).isEqualTo(compression);
        assertThat(compression.pgDumpFlag()).isEqualTo(flag);
        assertThat(compression.suffix()).isEqualTo(suffix);
    }

    @ParameterizedTest
    @ValueSource(strings = { "gzip", "zstd:0", "zstd:23", "zstd:x", "zstd:3:4", "native:brotli", "native:10",
            "native:lz4:13", "ZSTD", " zstd", "none:1", "", "native:gzip:x" })
    void anythingElseIsRefusedNamingTheAcceptedForms(String spec) {
        assertThatThrownBy(() -> Compression.parse(spec)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("zstd[:level 1-22]");
    }

    @ParameterizedTest
    @CsvSource({ "native, 0", "native:lz4, 16", "native:zstd, 16", "zstd, 0", "none, 0" })
    void pgDumpsOwnLz4AndZstdNeedVersion16(String spec, int major) {
        assertThat(Compression.parse(spec).minimumPgDumpMajor()).isEqualTo(major);
    }

    @ParameterizedTest
    @ValueSource(strings = { "native", "native:gzip" })
    void nativeGzipWithoutALevelLeavesPgDumpItsDefault(String spec) {
        assertThat(Compression.parse(spec).pgDumpFlag()).isNull();
    }
}
