package dev.shoehorn.backup.signing;

import static dev.shoehorn.backup.signing.TestSigning.bytes;
import static dev.shoehorn.backup.signing.TestSigning.record;
import static dev.shoehorn.backup.signing.TestSigning.trust;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.security.KeyPair;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SignaturesTest {

    private static final KeyPair OPS = Ed25519Keys.generate();
    private static final KeyPair ROGUE = Ed25519Keys.generate();
    private static final byte[] COMMAND = bytes("{\"commandId\":\"2f0d6f1e-6a55-4a0e-9a43-8f7d2b9f6c11\","
            + "\"target\":\"shoehorn\",\"requestedBy\":\"ops-cli:alice\",\"requestedAt\":\"2026-11-28T02:00:00Z\"}");

    /** Made by the recipe of docs/security.md: openssl genpkey -algorithm ed25519; openssl pkeyutl -sign -rawin. */
    private static final String OPENSSL_PRIVATE = """
            -----BEGIN PRIVATE KEY-----
            MC4CAQAwBQYDK2VwBCIEIH9UcJ/Wo0S/VNBbp8XAUHkSJ/J+9RL6EW8wyD4T+/1i
            -----END PRIVATE KEY-----
            """;
    private static final String OPENSSL_PUBLIC = """
            -----BEGIN PUBLIC KEY-----
            MCowBQYDK2VwAyEAnKBHzJ5Ee0aVHDj6CqqUPNFz0e2hcfspYlbF3AOipWE=
            -----END PUBLIC KEY-----
            """;
    private static final String OPENSSL_PUBLIC_DER = "MCowBQYDK2VwAyEAnKBHzJ5Ee0aVHDj6CqqUPNFz0e2hcfspYlbF3AOipWE=";
    private static final String OPENSSL_SIGNATURE = "FRX97aru633wLLnM8sxkqKRQNx8BFkyRLZ9Jm4JCw4Vl84sFa7kaCc0PBNIz3KiELlsa3z7d+LAhPrAPSUVIAQ==";

    private final Signatures worker = TestSigning.signatures("ops", OPS, trust("ops", OPS));

    @Test
    void aSignedRecordVerifiesUnderItsKeyId() {
        // Given a header made for a backup command
        String header = worker.sign(SignedKind.BACKUP, COMMAND).orElseThrow();

        // When the same bytes arrive with it on the backup topic
        Verification verification = worker.verify(SignedKind.BACKUP, record("backup.commands", COMMAND, header));

        // Then it is valid, naming the key
        assertThat(header).matches("v1 ops [A-Za-z0-9+/]{86}==");
        assertThat(verification).isEqualTo(new Verification.Valid("ops"));
    }

    @ParameterizedTest(name = "{0} signed, checked as {1}")
    @CsvSource({ "BACKUP, RESTORE", "RESTORE, BACKUP", "BACKUP, EVENT", "EVENT, RESTORE" })
    void aSignatureOfOneKindIsInvalidAsAnother(SignedKind signed, SignedKind checked) {
        String header = worker.sign(signed, COMMAND).orElseThrow();

        Verification verification = worker.verify(checked, record("any", COMMAND, header));

        assertThat(verification).isInstanceOf(Verification.Invalid.class);
        assertThat(((Verification.Invalid) verification).reason()).contains("does not match this " + checked.label());
    }

    @Test
    void aChangedValueIsInvalid() {
        // Given a signed command whose target is changed afterwards
        String header = worker.sign(SignedKind.RESTORE, COMMAND).orElseThrow();
        byte[] tampered = new String(COMMAND, java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"shoehorn\"", "\"shoehorn_prod\"").getBytes(java.nio.charset.StandardCharsets.UTF_8);

        // Then the signature no longer holds, nor does it over the same JSON re-serialised with a space
        assertThat(worker.verify(SignedKind.RESTORE, record("restore.commands", tampered, header)))
                .isInstanceOf(Verification.Invalid.class);
        assertThat(worker.verify(SignedKind.RESTORE, record("restore.commands",
                bytes(new String(COMMAND, java.nio.charset.StandardCharsets.UTF_8).replace(",", ", ")), header)))
                .isInstanceOf(Verification.Invalid.class);
    }

    @Test
    void aKeyIdThatIsNotTrustedIsInvalid() {
        // Given a command signed by a key the worker does not know
        String header = new Signer("rogue", ROGUE.getPrivate()).sign(SignedKind.BACKUP, COMMAND);

        // Then it is refused, naming the key id
        assertThat(worker.verify(SignedKind.BACKUP, record("backup.commands", COMMAND, header)))
                .isEqualTo(new Verification.Invalid("unknown key id rogue"));
    }

    @Test
    void anotherKeyUnderATrustedKeyIdIsInvalid() {
        // Given a command signed by a stranger who claims the trusted key id
        String header = new Signer("ops", ROGUE.getPrivate()).sign(SignedKind.BACKUP, COMMAND);

        // Then the signature does not match
        Verification verification = worker.verify(SignedKind.BACKUP, record("backup.commands", COMMAND, header));
        assertThat(verification).isInstanceOf(Verification.Invalid.class);
        assertThat(((Verification.Invalid) verification).reason()).contains("of key id ops does not match");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "empty | '' | is not \"v1 <keyId> <signature>\" | ''",
            "version only | v1 | is not \"v1 <keyId> <signature>\" | ''",
            "two spaces | v1  ops AAAA | is not \"v1 <keyId> <signature>\" | ''",
            "another version | v2 ops AAAA | unsupported version \"v2\" | ''",
            "markup as version | <script>alert(1)</script> ops AAAA | unsupported version \"?script?alert?1?... | <script>",
            "path as key id | v1 ../../etc/passwd AAAA | malformed key id \"..?..?etc?passwd\" | /",
            "not base64 | v1 ops !!!! | not base64 | !!!!",
            "too short | v1 ops AAAA | has 3 bytes, not 64 | AAAA",
    })
    void aMalformedHeaderIsInvalidAndQuotedOnlyInASafeBoundedForm(String scenario, String header, String reason,
            String neverEchoed) {
        Verification verification = worker.verify(SignedKind.BACKUP, record("backup.commands", COMMAND, header));

        assertThat(verification).isInstanceOf(Verification.Invalid.class);
        String said = ((Verification.Invalid) verification).reason();
        assertThat(said).contains(reason).hasSizeLessThan(120).matches("[ -~]*");
        if (!neverEchoed.isEmpty()) {
            assertThat(said).doesNotContain(neverEchoed);
        }
    }

    @Test
    void aHugeHeaderIsNotRead() {
        String header = "v1 ops " + "A".repeat(10_000);

        Verification verification = worker.verify(SignedKind.BACKUP, record("backup.commands", COMMAND, header));

        assertThat(verification).isEqualTo(new Verification.Invalid("the header is longer than 200 bytes"));
    }

    @Test
    void aHeaderThatIsNotAsciiIsInvalid() {
        assertThat(worker.verify(SignedKind.BACKUP, record("backup.commands", COMMAND, "v1 öps AAAA")))
                .isEqualTo(new Verification.Invalid("the header is not ASCII text"));
    }

    @Test
    void twoSignatureHeadersAreInvalidEvenWhenBothHold() {
        String header = worker.sign(SignedKind.BACKUP, COMMAND).orElseThrow();

        assertThat(worker.verify(SignedKind.BACKUP, record("backup.commands", COMMAND, header, header)))
                .isEqualTo(new Verification.Invalid("the record has 2 bw-signature headers"));
    }

    @Test
    void noHeaderIsMissing() {
        assertThat(worker.verify(SignedKind.BACKUP, record("backup.commands", COMMAND)))
                .isEqualTo(new Verification.Missing());
        assertThat(worker.verify(SignedKind.BACKUP, Message.of(COMMAND))).isEqualTo(new Verification.Missing());
    }

    @Test
    void aWorkerWithoutASigningKeySignsNothingButStillVerifies() {
        Signatures verifying = TestSigning.verifying(trust("ops", OPS));

        assertThat(verifying.sign(SignedKind.EVENT, COMMAND)).isEmpty();
        assertThat(verifying.verify(SignedKind.BACKUP, record("backup.commands", COMMAND,
                worker.sign(SignedKind.BACKUP, COMMAND).orElseThrow()))).isEqualTo(new Verification.Valid("ops"));
    }

    @Test
    void theOpensslRecipeOfTheSecurityGuideInteroperates() {
        // Given a key pair and a signature made with openssl, and the key in both configured forms
        Signatures fromPem = TestSigning.signatures("ops", new KeyPair(Ed25519Keys.publicKey(OPENSSL_PUBLIC),
                Ed25519Keys.privateKey(OPENSSL_PRIVATE)), Map.of("ops", OPENSSL_PUBLIC));
        Signatures fromDer = TestSigning.verifying(Map.of("ops", OPENSSL_PUBLIC_DER));

        // Then the worker makes the very same signature (Ed25519 is deterministic), and both verify openssl's
        assertThat(fromPem.sign(SignedKind.BACKUP, COMMAND)).contains("v1 ops " + OPENSSL_SIGNATURE);
        assertThat(fromDer.verify(SignedKind.BACKUP, record("backup.commands", COMMAND, "v1 ops " + OPENSSL_SIGNATURE)))
                .isEqualTo(new Verification.Valid("ops"));
    }

    @Test
    void keysSurviveTheirRoundTripThroughPemAndBase64() {
        assertThat(Ed25519Keys.privateKey(Ed25519Keys.pem(OPS.getPrivate())).getEncoded())
                .isEqualTo(OPS.getPrivate().getEncoded());
        assertThat(Ed25519Keys.publicKey(Ed25519Keys.pem(OPS.getPublic()))).isEqualTo(OPS.getPublic());
        assertThat(Ed25519Keys.publicKey(Ed25519Keys.base64(OPS.getPublic()))).isEqualTo(OPS.getPublic());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "private key not base64 | ops | MC4CAQAwBQYDK2VwBCIEIH9UcJ!!! | | the private key of signing key id ops is unusable",
            "private key truncated | ops | MC4CAQAwBQYDK2VwBCIEIH9UcJ/Wo0S | | the private key of signing key id ops is unusable",
            "public key as private key | ops | " + OPENSSL_PUBLIC_DER + " | | the private key of signing key id ops is unusable",
            "public key garbage | | | MC4CAQAwBQYDK2VwBCIEIH9UcJ/Wo0S | backup.signing.public-keys.ops is unusable",
            "private key without key id | | MC4CAQAwBQYDK2VwBCIEIH9UcJ/Wo0S | | backup.signing.key-id is not",
            "key id with a dot | ops.2026 | MC4CAQAwBQYDK2VwBCIEIH9UcJ/Wo0S | | backup.signing.key-id must match",
    })
    void anUnusableKeyStopsStartUpNamingItsKeyIdNeverItsMaterial(String scenario, String keyId, String privateKey,
            String publicKey, String message) {
        // Given a configuration with one unusable key
        Map<String, String> trusted = new HashMap<>();
        if (publicKey != null) {
            trusted.put("ops", publicKey);
        }
        var config = new TestSigning.Config(Optional.ofNullable(keyId), Optional.empty(), Optional.ofNullable(privateKey),
                trusted);

        // When the worker starts
        IllegalStateException e = catchThrowableOfType(IllegalStateException.class, () -> new Signatures(config));

        // Then it stops, saying which key, and quoting none of it
        assertThat(e).as(scenario).isNotNull();
        assertThat(e.getMessage()).contains(message);
        for (String material : new String[] { privateKey, publicKey }) {
            if (material != null) {
                assertThat(e.getMessage()).doesNotContain(material).doesNotContain(material.substring(0, 12));
            }
        }
        assertThat(e.getCause()).isNull();
    }

    @Test
    void aTrustedOwnKeyIdMustBeTheOwnKey() {
        IllegalStateException e = catchThrowableOfType(IllegalStateException.class,
                () -> TestSigning.signatures("ops", OPS, trust("ops", ROGUE)));

        assertThat(e.getMessage()).isEqualTo("backup.signing.public-keys.ops is not the public key of this worker's"
                + " private key of the same key id");
    }

    @Test
    void aPrivateKeyFileThatCannotBeReadStopsStartUp() {
        var config = new TestSigning.Config(Optional.of("ops"),
                Optional.of(java.nio.file.Path.of("target/no-such-dir/ops.key")), Optional.empty(), Map.of());

        IllegalStateException e = catchThrowableOfType(IllegalStateException.class, () -> new Signatures(config));

        assertThat(e.getMessage()).contains("cannot read backup.signing.private-key-file").contains("key id ops")
                .contains("NoSuchFileException");
    }

    @Test
    void keysAndSignersNeverPrintTheirKey() {
        assertThat(worker).hasToString("Signatures[signing=ops, trusted=[ops]]");
        assertThat(new Signer("ops", OPS.getPrivate())).hasToString("Signer[ops]");
    }
}
