package dev.shoehorn.backup.retention;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.storage.ArchiveKeys;
import dev.shoehorn.backup.storage.OpenUpload;
import dev.shoehorn.backup.storage.StoredObject;

/**
 * What retention needs of the object store: the worker's store and the CLI's client each provide it,
 * so that both prune by the one {@link Pruner}. A failing call throws; the pruner decides what that
 * stops.
 */
public interface RetentionBucket {

    ArchiveKeys keys();

    List<StoredObject> objects(String prefix);

    List<OpenUpload> uploads(String prefix);

    /**
     * The JSON object at {@code key}, empty when there is none.
     *
     * @throws IllegalArgumentException when the object is not JSON
     */
    Optional<JsonNode> json(String key);

    void delete(String key);

    void abort(OpenUpload upload);
}
