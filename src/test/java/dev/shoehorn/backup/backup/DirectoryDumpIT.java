package dev.shoehorn.backup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.shoehorn.backup.codec.ArchiveCodec;
import dev.shoehorn.backup.codec.Compression;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.storage.ArchiveFile;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.TestS3;

/**
 * A directory dump's files streamed to a real S3 server (S3Proxy) while a stand-in for pg_dump
 * writes them: the same system calls pg_dump makes (a file created, written in pieces, held open,
 * closed), from a child process whose pace the test sets.
 */
class DirectoryDumpIT {

    private static final int MIB = 1024 * 1024;
    private static TestS3 s3;
    private static ArchiveStore store;
    private static byte[] piece;

    @TempDir
    Path work;
    private Process tool;
    private String key;

    @BeforeAll
    static void startStorage() throws IOException {
        s3 = TestS3.start(UnaryOperator.identity());
        store = s3.store(s3.client(), Map.of());
        // rows-like text, about as compressible as a table's COPY data
        StringBuilder rows = new StringBuilder();
        for (int i = 0; rows.length() < MIB; i++) {
            rows.append(i).append('\t').append("customer-").append(i * 7919 % 10007).append('\t')
                    .append(Integer.toHexString(i * 2654435761L > 0 ? i * 31 : i)).append('\n');
        }
        piece = rows.substring(0, MIB).getBytes(StandardCharsets.US_ASCII);
    }

    @AfterAll
    static void stopStorage() {
        s3.close();
    }

    @BeforeEach
    void newArchive() throws IOException {
        key = store.newDirectoryKey("dirdump", java.time.Instant.now());
        Files.write(work.resolve("piece"), piece);
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (tool != null) {
            tool.destroyForcibly();
            tool.waitFor(5, TimeUnit.SECONDS);
        }
        store.deleteArchive(key);
    }

    @Test
    void aFileIsStoredWhileItIsWrittenAndItsReadHeadIsGivenBackMeanwhile() throws Exception {
        // Given pg_dump writing toc.dat, then one table's 64 MiB in pieces, holding it open between
        // them and idling at 48 MiB until told to go on
        tool = writer(48, "touch \"$W/halfway\"; while [ ! -e \"$W/go-on\" ]; do sleep 0.05; done;", 16, "0.01");
        DirectoryDump dump = dump(Long.MAX_VALUE, bytes -> { });

        // When its files are streamed
        var run = java.util.concurrent.CompletableFuture.supplyAsync(() -> dump.run(tool.toHandle(), dumpDir()));

        // Then at 48 MiB written, with the file still open, at least 32 MiB of it no longer hold disk
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(work.resolve("halfway")));
        Path table = dumpDir().resolve("3001.dat");
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> allocatedBytes(table) <= 16L * MIB);
        assertThat(Files.size(table)).isEqualTo(48L * MIB);
        Files.createFile(work.resolve("go-on"));

        // and once pg_dump has exited, both files are stored, whole, and gone from local disk
        List<ArchiveFile> files = run.get(30, TimeUnit.SECONDS);
        assertThat(files).extracting(ArchiveFile::name).containsExactly("3001.dat", "toc.dat");
        assertThat(digest(stored(files.get(0)))).isEqualTo(digestOfPieces(64));
        assertThat(new String(stored(files.get(1)).readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("toc\n");
        assertThat(dump.dumpBytes()).isEqualTo(64L * MIB + 4);
        try (var left = Files.list(dumpDir())) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void pgDumpIsPausedWhileStorageLagsSoLocalDiskStaysNearTheLimit() throws Exception {
        // Given pg_dump writing 160 MiB at full speed, and uploads slowed to about 50 MB/s
        tool = writer(160, "", 0, "0");
        DirectoryDump dump = dump(64L * MIB, bytes -> pause(5));

        // When its files are streamed with a 64 MiB limit
        List<ArchiveFile> files = dump.run(tool.toHandle(), dumpDir());

        // Then pg_dump was paused, local disk stayed within the limit and what one look at the
        // files lets through, and the file is stored whole
        assertThat(dump.pauses()).isPositive();
        assertThat(dump.peakLocalBytes()).isLessThan(128L * MIB);
        assertThat(digest(stored(files.get(0)))).isEqualTo(digestOfPieces(160));
        assertThat(tool.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    private DirectoryDump dump(long localLimit, LongConsumer progress) {
        return new DirectoryDump(store, key, Compression.ZSTD, Optional.empty(), 1, 64L * MIB, localLimit,
                new Cancellation(), progress, "job-it");
    }

    /**
     * pg_dump's stand-in: makes the directory, writes toc.dat, then {@code first} pieces of table
     * 3001, runs {@code between}, and writes {@code rest} more, pausing {@code pace} seconds after each.
     */
    private Process writer(int first, String between, int rest, String pace) throws IOException {
        String script = "set -e; mkdir \"$D\"; printf 'toc\\n' > \"$D/toc.dat\"; exec 3>\"$D/3001.dat\";"
                + " i=0; while [ $i -lt " + first + " ]; do cat \"$W/piece\" >&3; sleep " + pace + "; i=$((i+1)); done;"
                + between
                + " i=0; while [ $i -lt " + rest + " ]; do cat \"$W/piece\" >&3; sleep " + pace + "; i=$((i+1)); done;"
                + " exec 3>&-";
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", script);
        builder.environment().put("D", dumpDir().toString());
        builder.environment().put("W", work.toString());
        return builder.start();
    }

    private Path dumpDir() {
        return work.resolve("dump");
    }

    private InputStream stored(ArchiveFile file) throws IOException {
        String objectKey = key + "/" + file.object();
        InputStream raw = s3.client().getObject(b -> b.bucket(s3.bucket()).key(objectKey));
        return ArchiveCodec.decoder(raw, Compression.ZSTD, Optional.empty(), Optional.empty(),
                store.keys().objectName(objectKey));
    }

    private static long allocatedBytes(Path file) throws IOException, InterruptedException {
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
        String[] out = new String(stat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
        stat.waitFor();
        return Long.parseLong(out[0]) * Long.parseLong(out[1]);
    }

    private static String digest(InputStream in) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (in) {
            byte[] chunk = new byte[MIB];
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                sha.update(chunk, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    private static String digestOfPieces(int count) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < count; i++) {
            sha.update(piece);
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
