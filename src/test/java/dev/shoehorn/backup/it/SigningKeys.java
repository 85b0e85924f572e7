package dev.shoehorn.backup.it;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.EdECPrivateKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import dev.shoehorn.backup.signing.Ed25519Keys;
import dev.shoehorn.backup.signing.SignatureHeader;
import dev.shoehorn.backup.signing.SignedKind;
import dev.shoehorn.backup.signing.Signer;
import dev.shoehorn.backup.signing.Verification;
import dev.shoehorn.backup.signing.Verifier;

/**
 * The key pairs of the signing tests, new for each test run: the worker's own (it signs its events
 * with it and trusts it), an operator's (trusted for commands), and a stranger's (trusted by nobody).
 */
public final class SigningKeys {

    public static final String WORKER_ID = "it-worker";
    public static final String OPS_ID = "it-ops";
    public static final KeyPair WORKER = Ed25519Keys.generate();
    public static final KeyPair OPS = Ed25519Keys.generate();
    public static final KeyPair STRANGER = Ed25519Keys.generate();

    static {
        SuiteSecrets.register(privateKeySpellings());
    }

    private SigningKeys() {
    }

    public static Signer ops() {
        return new Signer(OPS_ID, OPS.getPrivate());
    }

    public static Signer worker() {
        return new Signer(WORKER_ID, WORKER.getPrivate());
    }

    /** Checks a progress record's signature the way a reactor that trusts the worker would. */
    public static Verification verifyEvent(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(SignatureHeader.NAME);
        return new Verifier(Map.of(WORKER_ID, WORKER.getPublic())).verify(SignedKind.EVENT, record.value(),
                header == null ? null : new String(header.value(), StandardCharsets.US_ASCII));
    }

    /** The private keys the worker and the tests hold, in every spelling that could leak: PKCS#8 in base64, raw in base64 and hex. */
    public static List<String> privateKeySpellings() {
        return Stream.of(WORKER, OPS).flatMap(pair -> {
            byte[] raw = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
            return Stream.of(Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()),
                    Base64.getEncoder().encodeToString(raw), HexFormat.of().formatHex(raw));
        }).toList();
    }
}
