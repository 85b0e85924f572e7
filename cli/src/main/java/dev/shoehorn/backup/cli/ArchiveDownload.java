package dev.shoehorn.backup.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jline.utils.AttributedString;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.codec.ArchiveCodec;
import dev.shoehorn.backup.codec.DecryptionException;
import dev.shoehorn.backup.codec.Keyring;
import dev.shoehorn.backup.storage.ArchiveChecks;
import dev.shoehorn.backup.storage.HashingInput;

/**
 * An archive downloaded as pg_restore reads it: the stored bytes hashed and checked against the
 * manifest, and pg_dump's bytes (decrypted with the configured keyset, decompressed) written to a
 * file, or to a folder of pg_dump's files for the directory format. For {@code verify} and {@code fetch}.
 */
final class ArchiveDownload {

    private static final int BUFFER = 1 << 16;

    private final Cli cli;
    private final ArchiveBrowser store;

    ArchiveDownload(Cli cli, ArchiveBrowser store) {
        this.cli = cli;
        this.store = store;
    }

    /** Removes a folder the CLI made (a download), saying so when it cannot. */
    static void deleteTree(Path work, Console console) {
        try (var paths = Files.walk(work)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            console.error("could not delete " + work + ": " + e.getMessage());
        }
    }

    /** An archive key, or {@code <target>:latest}, the newest complete archive of a target. */
    static ArchiveBrowser.Archive resolve(ArchiveBrowser store, String what) {
        if (what.endsWith(":latest")) {
            String target = what.substring(0, what.length() - ":latest".length());
            return store.latest(target).orElseThrow(() -> new CliException(ExitCode.FAILED,
                    "no complete archive of " + target));
        }
        return store.archive(what).orElseThrow(() -> new CliException(ExitCode.FAILED, "no archive " + what));
    }

    /**
     * The archive as pg_restore reads it, at {@code local}: a file for the custom format, a folder
     * of pg_dump's files for the directory format; what does not match the manifest is a problem.
     */
    Download fetch(ArchiveBrowser.Archive archive, Path local, List<String> problems) throws IOException {
        return archive.isDirectory() ? downloadDirectory(archive, local, problems)
                : download(archive, archive.key(), local, problems);
    }

    /**
     * Every file of a directory archive, each checked against its line in the manifest and decoded
     * under pg_dump's name into {@code dir}; the totals are the archive's size and the digest of
     * its files' list, as the manifest records them.
     */
    private Download downloadDirectory(ArchiveBrowser.Archive archive, Path dir, List<String> problems)
            throws IOException {
        Files.createDirectory(dir);
        long bytes = 0;
        boolean decoded = true;
        Map<String, String> digests = new LinkedHashMap<>();
        for (JsonNode file : archive.files()) {
            String name = file.path("name").asText();
            String object = file.path("object").asText();
            if (!name.matches("[A-Za-z0-9_]+(\\.[A-Za-z0-9]+)*") || object.contains("/")) {
                problems.add("files: the manifest names " + name + ", which pg_dump cannot have written");
                decoded = false;
                continue;
            }
            Download one = download(archive, archive.key() + "/" + object, dir.resolve(name), problems);
            if (one.bytes() != file.path("bytes").asLong(-1) || !one.sha256().equals(file.path("sha256").asText())) {
                problems.add("file " + object + ": " + one.bytes() + " bytes, sha256 " + one.sha256()
                        + " downloaded; the manifest says " + file.path("bytes").asLong(-1) + " bytes, sha256 "
                        + file.path("sha256").asText());
            }
            bytes += one.bytes();
            digests.put(object, one.sha256());
            decoded &= one.decoded();
        }
        return new Download(bytes, ArchiveChecks.filesDigest(digests), decoded);
    }

    /** @param decoded whether pg_dump's bytes could be recovered (decrypted, decompressed) into the file */
    record Download(long bytes, String sha256, boolean decoded) {
    }

    /**
     * Downloads the archive, hashing the stored bytes, and writes pg_dump's bytes (decrypted with
     * the configured keyset, decompressed) to {@code file}; a failure to decode is a problem, and
     * the stored bytes are still hashed to the end.
     */
    private Download download(ArchiveBrowser.Archive archive, String key, Path file, List<String> problems)
            throws IOException {
        long shownAt = 0;
        byte[] buffer = new byte[BUFFER];
        boolean decoded = true;
        Optional<Keyring> keyring = cli.settings().keyset().map(Keyring::parse);
        try (HashingInput stored = new HashingInput(store.open(key));
                OutputStream out = Files.newOutputStream(file)) {
            // the decoder is closed (freeing zstd's native memory) only after the rest is hashed, as closing it closes the download
            InputStream in = null;
            try {
                in = ArchiveCodec.decoder(stored, archive.compression(), archive.encryption(), keyring,
                        store.keys().objectName(key));
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                    if (System.nanoTime() - shownAt > 250_000_000L) {
                        shownAt = System.nanoTime();
                        cli.console().live(List.of(new AttributedString("downloading " + key + "  "
                                + Units.bytes(stored.bytes())
                                + (archive.bytes() > 0 ? " / " + Units.bytes(archive.bytes()) : ""))));
                    }
                }
            } catch (IOException e) {
                if (stored.failed()) {
                    throw e;
                }
                decoded = false;
                problems.add((e instanceof DecryptionException ? "decrypt " : "decompress ") + key + ": " + e.getMessage());
            }
            while (stored.read(buffer) >= 0) {
                // the rest of the stored bytes, for the size and hash
            }
            String sha256 = stored.sha256();
            if (in != null) {
                in.close();
            }
            return new Download(stored.bytes(), sha256, decoded);
        }
    }

}
