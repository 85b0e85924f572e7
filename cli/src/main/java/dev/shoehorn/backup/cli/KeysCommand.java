package dev.shoehorn.backup.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;

import dev.shoehorn.backup.codec.Keyring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "keys", mixinStandardHelpOptions = true,
        subcommands = { KeysCommand.New.class, KeysCommand.Rotate.class, KeysCommand.Show.class },
        description = { "The archive keyset (backup.encryption.keyset-file): make one, rotate it, show its key ids.",
                "Key material is written to a file only (mode 600), never to the terminal. See docs/security.md." })
final class KeysCommand implements Runnable {

    @ParentCommand
    Cli cli;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "a subcommand is needed");
    }

    @Command(name = "new", mixinStandardHelpOptions = true,
            description = "Write a new keyset of one AES256_GCM_HKDF_1MB key to <file>, which must not exist.")
    static final class New implements Callable<Integer> {

        @ParentCommand
        KeysCommand parent;

        @Parameters(index = "0", paramLabel = "<file>")
        Path file;

        @Override
        public Integer call() {
            String json = Keyring.newKeysetJson();
            write(file, json, false);
            parent.cli.console().line("wrote " + file + ": primary key " + Keyring.parse(json).primary().keyId());
            return ExitCode.OK;
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = { "Add a new primary key to the keyset in <file>, in place: new archives use it,",
                    "the keys already there still decrypt older archives. Restart the workers to use it." })
    static final class Rotate implements Callable<Integer> {

        @ParentCommand
        KeysCommand parent;

        @Parameters(index = "0", paramLabel = "<file>")
        Path file;

        @Override
        public Integer call() {
            String rotated = Keyring.withNewPrimary(read(file));
            write(file, rotated, true);
            Keyring keys = Keyring.parse(rotated);
            parent.cli.console().line("rotated " + file + ": primary key " + keys.primary().keyId() + ", keys "
                    + String.join(",", keys.keyIds()));
            return ExitCode.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the primary key id and every enabled key id of the keyset in <file> (never the keys).")
    static final class Show implements Callable<Integer> {

        @ParentCommand
        KeysCommand parent;

        @Parameters(index = "0", paramLabel = "<file>")
        Path file;

        @Override
        public Integer call() {
            Keyring keys = Keyring.parse(read(file));
            parent.cli.console().line("primary " + keys.primary().keyId() + " (" + keys.primary().scheme() + ")");
            parent.cli.console().line("keys    " + String.join(",", keys.keyIds()));
            return ExitCode.OK;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read " + file + ": " + e.getClass().getSimpleName());
        }
    }

    /** Writes beside the file and renames, so that a failure never leaves half a keyset. */
    private static void write(Path file, String json, boolean replace) {
        try {
            if (!replace && Files.exists(file)) {
                throw new CliException(ExitCode.USAGE, file + " exists; keys rotate adds a key to it");
            }
            Path dir = file.toAbsolutePath().getParent();
            Path temp = Files.createTempFile(dir, ".keyset-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, json, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "cannot write " + file + ": " + e.getMessage());
        }
    }
}
