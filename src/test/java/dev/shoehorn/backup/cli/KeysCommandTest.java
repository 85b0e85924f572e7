package dev.shoehorn.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.shoehorn.backup.codec.Keyring;
import dev.shoehorn.backup.it.CliRun;

class KeysCommandTest {

    @TempDir
    Path dir;

    @Test
    void aNewKeysetIsPrivateToItsOwnerAndItsKeysNeverReachTheTerminal() throws Exception {
        // When a keyset is made
        Path file = dir.resolve("keyset.json");
        CliRun made = CliRun.of(Map.of(), "keys", "new", file.toString());

        // Then only its owner may read it, and the terminal shows its key id, not its key
        String json = Files.readString(file);
        String primary = Keyring.parse(json).primary().keyId();
        assertThat(made.exit()).isZero();
        assertThat(made.out()).contains(primary).doesNotContain(material(json));
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void rotationAddsANewPrimaryAndKeepsTheOldKeys() throws Exception {
        // Given a keyset
        Path file = dir.resolve("keyset.json");
        CliRun.of(Map.of(), "keys", "new", file.toString());
        String before = Keyring.parse(Files.readString(file)).primary().keyId();

        // When it is rotated
        CliRun rotated = CliRun.of(Map.of(), "keys", "rotate", file.toString());

        // Then new archives get a new key, and the old one still decrypts
        Keyring after = Keyring.parse(Files.readString(file));
        assertThat(rotated.exit()).isZero();
        assertThat(after.primary().keyId()).isNotEqualTo(before);
        assertThat(after.keyIds()).containsExactlyInAnyOrder(before, after.primary().keyId());
        assertThat(CliRun.of(Map.of(), "keys", "show", file.toString()).out())
                .contains("primary " + after.primary().keyId(), before);
    }

    @Test
    void anExistingKeysetIsNeverOverwrittenByNew() throws Exception {
        Path file = dir.resolve("keyset.json");
        CliRun.of(Map.of(), "keys", "new", file.toString());
        String first = Files.readString(file);

        CliRun again = CliRun.of(Map.of(), "keys", "new", file.toString());

        assertThat(again.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(Files.readString(file)).isEqualTo(first);
    }

    /** A piece of the keyset's base64 key material. */
    private static String material(String json) {
        int at = json.indexOf("\"value\"");
        return json.substring(at + 10, at + 30);
    }
}
