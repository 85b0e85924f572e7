package dev.shoehorn.backup.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The contract's JSON Schemas ({@code schemas/}), loaded the way any consumer would but without
 * a network: the {@code $id} prefix {@value #BASE_ID} is mapped to the folder, and the 2020-12
 * meta-schema comes from the validator's jar. Format assertions ({@code uuid}, {@code date-time})
 * are on. One piece of code for the fast schema tests and the integration test.
 *
 * <p>Documents go in and out as JSON text, so callers may hold them in any JSON library.
 */
public final class ContractSchemas {

    /** Where {@code $id}s of v1 point; everything below it lives in {@code schemas/}. */
    public static final String BASE_ID = "https://shoehorn.dev/schemas/backup-worker/v1/";
    public static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";
    public static final String ENVELOPE = "cloudevent.schema.json";
    /** Event types are named {@code dev.shoehorn.<rest>}; data schemas {@code events/<rest>.schema.json}. */
    public static final String TYPE_PREFIX = "dev.shoehorn.";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path dir;
    private final SchemaRegistry registry;
    private final Map<String, Schema> loaded = new ConcurrentHashMap<>();

    private ContractSchemas(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, builder -> builder
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build())
                .schemaLoader(loader -> loader.fetchRemoteResources(false))
                .schemas(this::localSchema));
    }

    /** The schemas of this project, {@code schemas/} under the working directory (the project root in Maven). */
    public static ContractSchemas load() {
        return at(Path.of("schemas"));
    }

    public static ContractSchemas at(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no schema folder at " + dir.toAbsolutePath());
        }
        return new ContractSchemas(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Every {@code *.schema.json} below the folder, as paths relative to it with {@code /}. */
    public List<String> files() {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(p -> p.getFileName().toString().endsWith(".schema.json"))
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema in {@code file} (relative to the folder), with its {@code $ref}s resolved. */
    public Schema schema(String file) {
        return loaded.computeIfAbsent(file, f -> {
            Schema schema = registry.getSchema(SchemaLocation.of(BASE_ID + f));
            schema.initializeValidators();
            return schema;
        });
    }

    /** The draft 2020-12 meta-schema, to check that a schema file is itself valid. */
    public Schema metaSchema() {
        return loaded.computeIfAbsent(META_SCHEMA, id -> registry.getSchema(SchemaLocation.of(id)));
    }

    /** The file's text parsed, e.g. to read its {@code $id} or {@code examples}. */
    public JsonNode document(String file) {
        return JSON.readTree(read(dir.resolve(file)));
    }

    /** Messages of every violation of {@code file}'s schema by {@code json}; empty when it is valid. */
    public List<String> validate(String file, String json) {
        return schema(file).validate(json, InputFormat.JSON).stream()
                .map(e -> file + ": " + at(e.getInstanceLocation().toString()) + " " + e.getMessage())
                .toList();
    }

    /** Violations of the schema file by a document held as a Jackson 3 tree. */
    public List<String> validate(String file, JsonNode json) {
        return validate(file, JSON.writeValueAsString(json));
    }

    /** The data schema of an event type: {@code dev.shoehorn.backup.started} → {@code events/backup.started.schema.json}. */
    public static String dataSchemaOf(String type) {
        if (!type.startsWith(TYPE_PREFIX)) {
            throw new IllegalArgumentException("not a contract event type: " + type);
        }
        return "events/" + type.substring(TYPE_PREFIX.length()) + ".schema.json";
    }

    /**
     * Violations of one progress record: its envelope against {@value #ENVELOPE}, then its
     * {@code data} against the data schema of its {@code type}. A type without a data schema is
     * a violation too, so that a new event type cannot be emitted without being described.
     */
    public List<String> validateEvent(String eventJson) {
        List<String> errors = new ArrayList<>(validate(ENVELOPE, eventJson));
        JsonNode event = JSON.readTree(eventJson);
        String type = event.path("type").asString("");
        String prefix = "event " + event.path("id").asString("?") + " (" + type + "): ";
        if (!type.startsWith(TYPE_PREFIX)) {
            errors.add(prefix + "no contract type");
        } else if (!Files.isRegularFile(dir.resolve(dataSchemaOf(type)))) {
            errors.add(prefix + "no data schema " + dataSchemaOf(type));
        } else {
            validate(dataSchemaOf(type), event.path("data")).forEach(e -> errors.add(prefix + e));
        }
        return errors;
    }

    private static String at(String instanceLocation) {
        return instanceLocation.isEmpty() ? "/" : instanceLocation;
    }

    private String localSchema(String iri) {
        if (!iri.startsWith(BASE_ID)) {
            return null;
        }
        String relative = iri.substring(BASE_ID.length());
        int fragment = relative.indexOf('#');
        Path file = dir.resolve(fragment < 0 ? relative : relative.substring(0, fragment)).normalize();
        if (!file.startsWith(dir) || !Files.isRegularFile(file)) {
            return null;
        }
        return read(file);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
