package dev.shoehorn.backup.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.progress.CloudEvent;
import dev.shoehorn.backup.progress.EventType;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code docs/asyncapi.yaml} and {@code schemas/} stay in step with the code: every event type,
 * error code, topic and dead-letter header the worker knows is documented, and every type it
 * emits has a data schema.
 */
class ContractDocsTest {

    private static final Path ASYNCAPI = Path.of("docs/asyncapi.yaml");
    /** The topics of the contract's table (docs/asyncapi.yaml must have a channel for each, and no other). */
    static final Set<String> CONTRACT_TOPICS = Set.of("backup.commands", "restore.commands",
            "backup.progress", "backup.commands.dlq", "restore.commands.dlq");

    private static String text;
    private static JsonNode asyncapi;
    private static ContractSchemas schemas;

    @BeforeAll
    static void read() throws IOException {
        text = Files.readString(ASYNCAPI);
        asyncapi = YAMLMapper.builder().build().readTree(text);
        schemas = ContractSchemas.load();
    }

    @Test
    void isAnAsyncApi3DocumentWithTheLocalBroker() {
        assertThat(asyncapi.path("asyncapi").asString()).startsWith("3.");
        JsonNode local = asyncapi.path("servers").path("local");
        assertThat(local.path("host").asString()).isEqualTo("127.0.0.1:9092");
        assertThat(local.path("protocol").asString()).isEqualTo("kafka");
    }

    @Test
    void everyEventTypeOfTheCodeIsDocumentedWithItsDataSchema() {
        Map<String, JsonNode> messages = eventMessagesByType();
        for (EventType type : EventType.values()) {
            assertThat(text).contains(type.type());
            assertThat(messages).as("message for " + type.type()).containsKey(type.type());
            assertThat(refs(messages.get(type.type())))
                    .as("data schema of " + type.type())
                    .contains("../schemas/" + ContractSchemas.dataSchemaOf(type.type()));
        }
    }

    @Test
    void everyEventTypeOfTheContractHasAProgressMessageAndNoOtherDoes() {
        Set<String> contractTypes = new TreeSet<>();
        schemas.document(ContractSchemas.ENVELOPE).path("properties").path("type").path("enum")
                .forEach(t -> contractTypes.add(t.asString()));
        assertThat(contractTypes).contains(Arrays.stream(EventType.values()).map(EventType::type)
                .toArray(String[]::new));

        assertThat(eventMessagesByType().keySet()).containsExactlyInAnyOrderElementsOf(contractTypes);
        Set<String> onProgressChannel = new TreeSet<>();
        channelByAddress("backup.progress").path("messages").forEach(m -> onProgressChannel
                .add(m.path("$ref").asString().replace("#/components/messages/", "")));
        assertThat(onProgressChannel).containsExactlyInAnyOrderElementsOf(eventMessageIds());
    }

    @Test
    void everyEventTypeHasADataSchemaAndEveryDataSchemaAnEventType() {
        Set<String> expected = Arrays.stream(EventType.values()).map(t -> ContractSchemas.dataSchemaOf(t.type()))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> present = schemas.files().stream().filter(f -> f.startsWith("events/"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(present).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void onlyTheEventTypesTheCodeDoesNotKnowAreTaggedPlanned() {
        // Given the types the worker knows
        Set<String> known = Arrays.stream(EventType.values()).map(EventType::type).collect(Collectors.toSet());

        // Then their messages are not planned, and every other event message is
        eventMessagesByType().forEach((type, message) -> assertThat(isPlanned(message))
                .as("message of " + type + " tagged planned").isEqualTo(!known.contains(type)));
    }

    @Test
    void theWorkerReceivesEveryCommandTopicAndDeadLettersItsRefusals() {
        // Given the operations of the document, by the address of their channel
        Map<String, JsonNode> byAddress = new HashMap<>();
        for (var entry : asyncapi.path("operations").properties()) {
            JsonNode operation = entry.getValue();
            JsonNode channel = asyncapi.at(operation.path("channel").path("$ref").asString().substring(1));
            assertThat(byAddress.put(channel.path("address").asString(), operation)).as(entry.getKey()).isNull();
        }

        // Then each command topic is received and its dead-letter topic written, none of it planned any more
        for (String topic : List.of("backup.commands", "restore.commands")) {
            assertThat(byAddress.get(topic)).as(topic).isNotNull();
            assertThat(byAddress.get(topic).path("action").asString()).isEqualTo("receive");
            assertThat(isPlanned(byAddress.get(topic))).as(topic + " planned").isFalse();
            assertThat(isPlanned(channelByAddress(topic).path("messages").iterator().next()))
                    .as(topic + " message planned").isFalse();
            assertThat(byAddress.get(topic + ".dlq")).as(topic + ".dlq").isNotNull();
            assertThat(byAddress.get(topic + ".dlq").path("action").asString()).isEqualTo("send");
            assertThat(isPlanned(byAddress.get(topic + ".dlq"))).as(topic + ".dlq planned").isFalse();
        }
        assertThat(byAddress.get("backup.progress").path("action").asString()).isEqualTo("send");
    }

    @Test
    void everyTopicOfTheContractHasAChannel() {
        Set<String> addresses = new TreeSet<>();
        asyncapi.path("channels").forEach(c -> addresses.add(c.path("address").asString()));
        assertThat(addresses).containsExactlyInAnyOrderElementsOf(CONTRACT_TOPICS);
        CONTRACT_TOPICS.forEach(topic -> assertThat(text).contains(topic));
    }

    @Test
    void theWorkersDefaultTopicsAreTheContracts() throws IOException {
        // Given the topic defaults of application.properties (${backup.topics.<name>:<default>})
        String properties = Files.readString(Path.of("src/main/resources/application.properties"));
        Matcher m = Pattern.compile("\\$\\{backup\\.topics\\.[a-z-]+:([^}]+)}(\\.dlq)?").matcher(properties);
        Set<String> defaults = new TreeSet<>();
        while (m.find()) {
            defaults.add(m.group(1) + (m.group(2) == null ? "" : m.group(2)));
        }

        // Then each is a topic of the contract
        assertThat(defaults).isNotEmpty().allMatch(CONTRACT_TOPICS::contains);
    }

    @Test
    void everyErrorCodeIsDocumented() {
        String errorDescription = schemas.document("event-data.schema.json").path("$defs").path("error")
                .path("description").asString();
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(text).contains(code.name());
            assertThat(errorDescription).contains(code.name());
        }
    }

    @Test
    void theDeadLetterHeadersAreThoseDeadLettersWrites() throws IOException {
        // Given the header names DeadLetters puts on a dead letter
        String source = Files.readString(Path.of("src/main/java/dev/shoehorn/backup/command/DeadLetters.java"));
        Matcher m = Pattern.compile("header\\(headers, \"([^\"]+)\"").matcher(source);
        Set<String> written = new TreeSet<>();
        while (m.find()) {
            written.add(m.group(1));
        }

        // Then the documented headers are exactly those, all required
        JsonNode headers = asyncapi.path("components").path("schemas").path("deadLetterHeaders");
        assertThat(written).isNotEmpty();
        assertThat(headers.path("properties").propertyNames()).containsExactlyInAnyOrderElementsOf(written);
        List<String> required = new ArrayList<>();
        headers.path("required").forEach(r -> required.add(r.asString()));
        assertThat(required).containsExactlyInAnyOrderElementsOf(written);
    }

    @Test
    void progressMessagesDeclareTheCloudEventsContentType() {
        JsonNode trait = asyncapi.path("components").path("messageTraits").path("progressEvent");
        assertThat(trait.path("contentType").asString()).isEqualTo(CloudEvent.CONTENT_TYPE);
        assertThat(asyncapi.path("components").path("schemas").path("progressHeaders").path("properties")
                .path("content-type").path("const").asString()).isEqualTo(CloudEvent.CONTENT_TYPE);
        for (JsonNode message : eventMessagesByType().values()) {
            assertThat(refs(message)).contains("#/components/messageTraits/progressEvent");
        }
    }

    @Test
    void everyReferenceResolves() {
        for (String ref : refs(asyncapi)) {
            if (ref.startsWith("#/")) {
                assertThat(asyncapi.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
            } else {
                Path file = ASYNCAPI.getParent().resolve(ref.replaceFirst("#.*", "")).normalize();
                assertThat(file).as(ref).isRegularFile();
            }
        }
    }

    /** Messages of components.messages that are CloudEvents, by their type (the message name). */
    private static Map<String, JsonNode> eventMessagesByType() {
        Map<String, JsonNode> byType = new HashMap<>();
        for (var entry : asyncapi.path("components").path("messages").properties()) {
            String name = entry.getValue().path("name").asString("");
            if (name.startsWith(ContractSchemas.TYPE_PREFIX)) {
                assertThat(byType.put(name, entry.getValue())).as("one message for " + name).isNull();
            }
        }
        return byType;
    }

    /** Whether a message or operation (or the message a $ref points at) carries the planned tag. */
    private static boolean isPlanned(JsonNode node) {
        JsonNode resolved = node.has("$ref") ? asyncapi.at(node.path("$ref").asString().substring(1)) : node;
        for (JsonNode tag : resolved.path("tags")) {
            if ("planned".equals(tag.path("name").asString())) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> eventMessageIds() {
        Set<String> ids = new TreeSet<>();
        for (var entry : asyncapi.path("components").path("messages").properties()) {
            if (entry.getValue().path("name").asString("").startsWith(ContractSchemas.TYPE_PREFIX)) {
                ids.add(entry.getKey());
            }
        }
        return ids;
    }

    private static JsonNode channelByAddress(String address) {
        for (JsonNode channel : asyncapi.path("channels")) {
            if (address.equals(channel.path("address").asString())) {
                return channel;
            }
        }
        throw new AssertionError("no channel for " + address);
    }

    /** Every $ref value below the node. */
    private static List<String> refs(JsonNode node) {
        List<String> found = new ArrayList<>();
        collectRefs(node, found);
        return found;
    }

    private static void collectRefs(JsonNode node, List<String> found) {
        if (node.isObject()) {
            for (var entry : node.properties()) {
                if ("$ref".equals(entry.getKey()) && entry.getValue().isString()) {
                    found.add(entry.getValue().asString());
                } else {
                    collectRefs(entry.getValue(), found);
                }
            }
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, found));
        }
    }
}
