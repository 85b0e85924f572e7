package dev.shoehorn.backup.cli;

import java.time.Clock;
import java.util.function.Supplier;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code backup-worker}: the operators' commands. Each subcommand is its own class; they share the
 * settings, the console and the JSON mapper held here, made on first use, so that {@code --help}
 * reads no configuration.
 */
@Command(name = "backup-worker",
        mixinStandardHelpOptions = true,
        versionProvider = Cli.Version.class,
        description = "Back up and restore PostgreSQL through the worker's command topics; follow, list, verify and audit.",
        subcommands = {
                BackupCommand.class,
                RestoreCommand.class,
                WatchCommand.class,
                ListCommand.class,
                VerifyCommand.class,
                StatusCommand.class,
                AuditCommand.class,
                ScheduleCommand.class,
                PruneCommand.class,
                DrillCommand.class,
                KeysCommand.class,
                FetchCommand.class },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:done: the job completed, the archive checks out",
                "1:the job failed, or the archive is bad",
                "2:usage error",
                "3:a worker rejected the command",
                "4:Kafka or the object store unreachable, or no worker answered in time" },
        footer = { "", "Settings are the worker's keys and environment variables (QUARKUS_PROFILE,",
                "KAFKA_BOOTSTRAP_SERVERS, BACKUP_STORAGE_*, BACKUP_SIGNING_*); without QUARKUS_PROFILE,",
                "the local stack of ./backup-worker local. See docs/operations.md." })
public final class Cli implements Runnable {

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print JSON (NDJSON for streams and lists) instead of text; shapes in docs/operations.md.")
    boolean json;

    private final Supplier<CliSettings> settingsSource;
    private final Console console;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    private CliSettings settings;

    public Cli(Supplier<CliSettings> settings, Console console, Clock clock) {
        this.settingsSource = settings;
        this.console = console;
        this.clock = clock;
    }

    /** The CLI of this process: its terminal, its configuration. */
    public static Cli system() {
        return new Cli(CliSettings::load, Console.system(), Clock.systemUTC());
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "a command is needed");
    }

    public synchronized CliSettings settings() {
        if (settings == null) {
            settings = settingsSource.get();
        }
        return settings;
    }

    public Console console() {
        return console;
    }

    public Clock clock() {
        return clock;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public boolean json() {
        return json;
    }

    /** Prints one JSON value on its own line. */
    public void printJson(Object value) {
        try {
            console.line(mapper.writeValueAsString(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a value of the CLI's own cannot be written as JSON", e);
        }
    }

    /** A JSON object's fields in the order given ({@code key, value, key, value…}); null values are left out. */
    public static java.util.Map<String, Object> fields(Object... keyValues) {
        java.util.Map<String, Object> fields = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                fields.put((String) keyValues[i], keyValues[i + 1]);
            }
        }
        return fields;
    }

    /** The version the jar's manifest carries. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Cli.class.getPackage().getImplementationVersion();
            return new String[] { "backup-worker CLI " + (version == null ? "(development build)" : version) };
        }
    }
}
