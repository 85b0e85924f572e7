package dev.shoehorn.backup.retention;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.storage.ArchiveKeys;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.OpenUpload;
import dev.shoehorn.backup.storage.StoredObject;

/** The worker's store as retention sees it; its failures stay {@link JobFailedException}s with the store's message. */
final class StoreBucket implements RetentionBucket {

    private final ArchiveStore store;

    StoreBucket(ArchiveStore store) {
        this.store = store;
    }

    @Override
    public ArchiveKeys keys() {
        return store.keys();
    }

    @Override
    public List<StoredObject> objects(String prefix) {
        return store.objectsUnder(prefix);
    }

    @Override
    public List<OpenUpload> uploads(String prefix) {
        return store.uploadsUnder(prefix);
    }

    @Override
    public Optional<JsonNode> json(String key) {
        try {
            return store.record(key, JsonNode.class);
        } catch (JobFailedException e) {
            if (e.getCause() instanceof JsonProcessingException) {
                throw new IllegalArgumentException(key + " is not JSON", e);
            }
            throw e;
        }
    }

    @Override
    public void delete(String key) {
        store.delete(key);
    }

    @Override
    public void abort(OpenUpload upload) {
        store.abortUpload(upload);
    }
}
