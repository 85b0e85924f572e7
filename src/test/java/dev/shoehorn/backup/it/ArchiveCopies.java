package dev.shoehorn.backup.it;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Archives of a target made from a real one, for restore tests: its bytes (to tamper with) and
 * copies stored as further archives of that target, each with the original's manifest (to edit).
 * The copies are stamped in 2000, so that none becomes the source's latest.
 */
final class ArchiveCopies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final S3Client s3;
    private final String archiveKey;

    ArchiveCopies(S3Client s3, String archiveKey) {
        this.s3 = s3;
        this.archiveKey = archiveKey;
    }

    byte[] bytes() {
        return s3.getObjectAsBytes(b -> b.bucket(WorkerStack.BUCKET).key(archiveKey)).asByteArray();
    }

    /** Stores {@code dump} as the source's archive of {@code stamp} (e.g. 20000101_000001), with the original's manifest. */
    String copy(byte[] dump, String stamp) throws Exception {
        return copy(dump, stamp, m -> { });
    }

    /**
     * As {@link #copy(byte[], String)}, in the original's folder and with its suffix (what its
     * encoding adds to {@code .dump}), the manifest edited by {@code editManifest}.
     */
    String copy(byte[] dump, String stamp, Consumer<ObjectNode> editManifest) throws Exception {
        String folder = archiveKey.substring(0, archiveKey.lastIndexOf('/') + 1);
        String name = archiveKey.substring(folder.length());
        String key = folder + name.substring(0, name.lastIndexOf('_', name.indexOf(".dump") - 8)) + "_" + stamp
                + name.substring(name.indexOf(".dump"));
        ObjectNode manifest = (ObjectNode) JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(WorkerStack.BUCKET)
                .key(archiveKey + ".manifest.json")).asByteArray());
        manifest.put("archiveKey", key);
        editManifest.accept(manifest);
        s3.putObject(b -> b.bucket(WorkerStack.BUCKET).key(key), RequestBody.fromBytes(dump));
        s3.putObject(b -> b.bucket(WorkerStack.BUCKET).key(key + ".manifest.json"),
                RequestBody.fromBytes(JSON.writeValueAsString(manifest).getBytes(StandardCharsets.UTF_8)));
        return key;
    }
}
