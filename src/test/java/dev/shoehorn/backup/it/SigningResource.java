package dev.shoehorn.backup.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import dev.shoehorn.backup.signing.Ed25519Keys;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives the worker its signing key the way production does, as a 0600 file (a mounted secret), and
 * trusts the worker's and the operator's public keys. The file is removed again in {@link #stop()}.
 */
public class SigningResource implements QuarkusTestResourceLifecycleManager {

    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("bw-it-signing-");
            Path key = Files.createFile(dir.resolve(SigningKeys.WORKER_ID + ".key"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(key, Ed25519Keys.pem(SigningKeys.WORKER.getPrivate()));
            return Map.of(
                    "backup.signing.key-id", SigningKeys.WORKER_ID,
                    "backup.signing.private-key-file", key.toString(),
                    "backup.signing.public-keys." + SigningKeys.WORKER_ID, Ed25519Keys.base64(SigningKeys.WORKER.getPublic()),
                    "backup.signing.public-keys." + SigningKeys.OPS_ID, Ed25519Keys.pem(SigningKeys.OPS.getPublic()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the worker's signing key", e);
        }
    }

    @Override
    public void stop() {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
            Files.delete(dir);
        } catch (IOException e) {
            System.err.println("SigningResource: cleanup of " + dir + " failed: " + e.getMessage());
        }
    }
}
