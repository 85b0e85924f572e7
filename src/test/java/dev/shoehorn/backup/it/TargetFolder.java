package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.s3.S3Client;

/** One target's folder of archives on the stack's store, for tests that make archives of it and clean up after. */
record TargetFolder(S3Client s3, String target) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Publishes {@code command} (a backup of this target), waits for it to complete, returns the archive's key. */
    String backUp(Commands commands, Events events, String commandId, String command) {
        commands.send("backup.commands", target, command);
        List<JsonNode> backup = events.awaitJobEnd(commandId);
        assertThat(Events.types(backup)).last().isEqualTo("dev.shoehorn.backup.completed");
        return backup.get(backup.size() - 1).path("data").path("archive").path("key").asText();
    }

    JsonNode manifest(String archiveKey) throws IOException {
        return JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(WorkerStack.BUCKET).key(archiveKey + ".manifest.json"))
                .asByteArray());
    }

    /** Deletes every object of the folder. */
    void empty() {
        s3.listObjectsV2Paginator(b -> b.bucket(WorkerStack.BUCKET).prefix(WorkerStack.PREFIX + "/" + target + "/"))
                .contents().forEach(o -> s3.deleteObject(b -> b.bucket(WorkerStack.BUCKET).key(o.key())));
    }
}
