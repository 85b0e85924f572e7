package dev.shoehorn.backup.signing;

import static dev.shoehorn.backup.signing.TestSigning.bytes;
import static dev.shoehorn.backup.signing.TestSigning.record;
import static dev.shoehorn.backup.signing.TestSigning.trust;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.EdECPrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TestTargets;

/** No string the signing code produces — log line, exception, toString, header — carries a private key. */
class KeyMaterialTest {

    private static final KeyPair WORKER = Ed25519Keys.generate();
    private static final KeyPair OTHER = Ed25519Keys.generate();

    @Test
    void noOutputOfTheSigningCodeCarriesThePrivateKey(@TempDir Path dir) throws Exception {
        List<String> output = new ArrayList<>();
        Path keyFile = Files.writeString(dir.resolve("worker.key"), Ed25519Keys.pem(WORKER.getPrivate()));
        byte[] event = bytes("{\"type\":\"dev.shoehorn.restore.completed\"}");

        try (LogCapture log = new LogCapture("dev.shoehorn.backup.signing")) {
            // Given workers configured by file and by value, at start-up, signing and refusing records
            Signatures byFile = new Signatures(new TestSigning.Config(Optional.of("worker-1"), Optional.of(keyFile),
                    Optional.empty(), trust("worker-1", WORKER)));
            Signatures byValue = TestSigning.signatures("worker-1", WORKER, trust("worker-1", WORKER));
            SigningStartup.check(byFile, List.of(new Target("shoehorn", TestTargets.config("shoehorn", Optional.empty()))),
                    true, true);
            String header = byValue.sign(SignedKind.EVENT, event).orElseThrow();
            new EventSignatures(byValue, () -> true).admits("cache-flush", record("backup.progress", event), "job");
            new EventSignatures(byValue, () -> true).admits("cache-flush", record("backup.progress", event,
                    new Signer("worker-1", OTHER.getPrivate()).sign(SignedKind.EVENT, event)), "job");
            byte[] command = bytes("{\"target\":\"shoehorn\"}");
            new CommandSignatures(byValue, null).check(SignedKind.BACKUP, record("backup.commands", command,
                    byValue.sign(SignedKind.BACKUP, command).orElseThrow()), "shoehorn",
                    Optional.of(java.time.Instant.EPOCH));
            output.add(header);
            output.add(byFile.toString());
            output.add(byValue.toString());
            output.add(new Signer("worker-1", WORKER.getPrivate()).toString());
            // and failing to start with the key in hand
            output.add(failure(() -> TestSigning.signatures("worker-1", WORKER, trust("worker-1", OTHER))));
            output.add(failure(() -> new Signatures(new TestSigning.Config(Optional.of("bad id"), Optional.empty(),
                    Optional.of(Ed25519Keys.pem(WORKER.getPrivate())), Map.of()))));
            output.add(failure(() -> new Signatures(new TestSigning.Config(Optional.empty(), Optional.of(keyFile),
                    Optional.empty(), Map.of()))));
            output.add(failure(() -> new Signatures(new TestSigning.Config(Optional.of("worker-1"), Optional.empty(),
                    Optional.of(Ed25519Keys.pem(WORKER.getPrivate()).replace("MC4", "MC5")), Map.of()))));
            output.addAll(log.lines());
        }

        // Then there was output to look at, and none of it has the key in any of its usual spellings
        assertThat(output).hasSizeGreaterThan(10).anyMatch(line -> line.contains("stage=signing"));
        assertThat(output).allSatisfy(line -> {
            for (String material : spellings(WORKER)) {
                assertThat(line).doesNotContain(material);
            }
        });
    }

    private static String failure(Runnable start) {
        try {
            start.run();
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
        throw new AssertionError("start-up did not fail");
    }

    /** PKCS#8 DER in base64 (what the PEM body is), and the raw 32-byte key in base64 and hex. */
    private static List<String> spellings(KeyPair pair) {
        byte[] raw = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
        String der = Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
        return List.of(der, der.substring(der.length() - 24), Base64.getEncoder().encodeToString(raw),
                HexFormat.of().formatHex(raw));
    }
}
