package dev.shoehorn.backup.cli;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.codec.Compression;
import dev.shoehorn.backup.codec.Encryption;
import dev.shoehorn.backup.retention.RetentionBucket;
import dev.shoehorn.backup.storage.ArchiveChecks;
import dev.shoehorn.backup.storage.ArchiveKeys;
import dev.shoehorn.backup.storage.OpenUpload;
import dev.shoehorn.backup.storage.StoredObject;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The archives in object storage, read only: a target's folder, listed with each archive's manifest
 * and whether it is complete ({@link ArchiveChecks}, the worker's own rule), and an archive's bytes.
 */
final class ArchiveBrowser implements AutoCloseable, RetentionBucket {

    /** One archive of a target's folder, newest first in listings. */
    record Archive(String key, String target, long bytes, Instant lastModified, JsonNode manifest, String problem) {

        boolean complete() {
            return problem == null;
        }

        /**
         * pg_dump's format, then how the stored bytes are encoded: {@code custom+zstd:3+enc},
         * {@code custom+native}; from the name where there is no readable manifest.
         */
        String format() {
            if (manifest != null && manifest.hasNonNull("format")) {
                return manifest.path("format").asText() + "+" + compression().spec()
                        + (encryption().isPresent() ? "+enc" : "");
            }
            String name = key.substring(key.lastIndexOf('/') + 1);
            String encoding = name.replaceFirst("^.*?\\.dump", "");
            return name.contains(".dump") ? "custom" + encoding.replace(".zst", "+zstd").replace(".enc", "+enc") : "?";
        }

        /** How the manifest says the stored bytes are compressed (pg_dump's own, where it does not say). */
        Compression compression() {
            JsonNode c = manifest == null ? null : manifest.get("compression");
            if (c == null || c.isNull()) {
                return Compression.NATIVE;
            }
            return new Compression(c.path("algorithm").asText(), c.hasNonNull("level") ? c.get("level").asInt() : null,
                    c.path("inWorker").asBoolean());
        }

        /** A directory archive's files as its manifest lists them (pg_dump's name, object name, size, sha256). */
        List<JsonNode> files() {
            List<JsonNode> files = new ArrayList<>();
            if (manifest != null) {
                manifest.path("files").forEach(files::add);
            }
            return files;
        }

        boolean isDirectory() {
            return ArchiveKeys.isDirectory(key);
        }

        Optional<Encryption> encryption() {
            JsonNode e = manifest == null ? null : manifest.get("encryption");
            return e == null || e.isNull() ? Optional.empty()
                    : Optional.of(new Encryption(e.path("scheme").asText(), e.path("keyId").asText()));
        }

        String sha256() {
            return manifest == null ? null : manifest.path("sha256").asText(null);
        }

        long manifestBytes() {
            return manifest == null ? -1 : manifest.path("bytes").asLong(-1);
        }

        Instant completedAt() {
            String at = manifest == null ? null : manifest.path("completedAt").asText(null);
            return at == null ? null : Instant.parse(at);
        }
    }

    private final CliSettings.Storage storage;
    private final ObjectMapper json;
    private final ArchiveKeys keys;
    private final S3Client s3;

    ArchiveBrowser(CliSettings.Storage storage, ObjectMapper json) {
        this.storage = storage;
        this.json = json;
        this.keys = new ArchiveKeys(storage.prefix());
        this.s3 = client(storage);
    }

    private static S3Client client(CliSettings.Storage storage) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(storage.region()))
                .forcePathStyle(storage.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        storage.endpoint().ifPresent(builder::endpointOverride);
        if (storage.accessKeyId().isPresent() && storage.secretAccessKey().isPresent()) {
            builder.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(storage.accessKeyId().get(), storage.secretAccessKey().get())));
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return builder.build();
    }

    S3Client s3() {
        return s3;
    }

    String bucket() {
        return storage.bucket();
    }

    /** Every archive of {@code target}, complete or not, newest first. */
    List<Archive> list(String target) {
        return archives(target, false);
    }

    /** The contract's {@code latest}: the newest complete archive (reads manifests only until it is found). */
    Optional<Archive> latest(String target) {
        return archives(target, true).stream().filter(Archive::complete).findFirst();
    }

    private List<Archive> archives(String target, boolean untilComplete) {
        Map<String, S3Object> objects = new HashMap<>();
        try {
            s3.listObjectsV2Paginator(b -> b.bucket(storage.bucket()).prefix(keys.targetPrefix(target)))
                    .contents().forEach(o -> objects.put(o.key(), o));
        } catch (SdkException e) {
            throw CliException.unreachable("the object store (" + storage + ")", e);
        }
        Map<String, Long> sizes = new HashMap<>();
        objects.forEach((k, o) -> sizes.put(k, o.size()));
        List<Archive> archives = new ArrayList<>();
        for (String key : ArchiveChecks.archivesNewestFirst(objects.keySet())) {
            Archive archive = archive(target, key, objects, sizes);
            archives.add(archive);
            if (untilComplete && archive.complete()) {
                break;
            }
        }
        return archives;
    }

    private Archive archive(String target, String key, Map<String, S3Object> objects, Map<String, Long> sizes) {
        S3Object object = objects.get(key);
        String manifestKey = ArchiveKeys.manifestOf(key);
        JsonNode manifest = objects.containsKey(manifestKey) ? readJson(manifestKey).orElse(null) : null;
        String problem = ArchiveChecks.archiveProblem(target, key, sizes,
                Optional.ofNullable(manifest).map(ArchiveChecks.ManifestFacts::of)).orElse(null);
        if (object == null && ArchiveKeys.isDirectory(key)) {
            // a directory archive is its files: their total size, and when the last one was stored
            List<S3Object> files = ArchiveChecks.objectsOf(key, objects.keySet()).stream().map(objects::get).toList();
            return new Archive(key, target, files.stream().mapToLong(S3Object::size).sum(), files.stream()
                    .map(S3Object::lastModified).max(Instant::compareTo).orElse(null), manifest, problem);
        }
        return new Archive(key, target, object == null ? -1 : object.size(), object == null ? null : object.lastModified(),
                manifest, problem);
    }

    /** The archive at {@code key}, as its folder's listing has it. */
    Optional<Archive> archive(String key) {
        String target = targetOf(key);
        return list(target).stream().filter(a -> a.key().equals(key)).findFirst();
    }

    /** The target whose folder {@code key} is in. */
    String targetOf(String key) {
        String rest = key.startsWith(keys.root()) ? key.substring(keys.root().length()) : key;
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            throw new CliException(ExitCode.USAGE, key + " is not an archive key (" + keys.root() + "<target>/<file>)");
        }
        return rest.substring(0, slash);
    }

    /** Targets that have a folder in the store (not the worker's own dot-folders). */
    List<String> targetsInStore() {
        List<String> names = new ArrayList<>();
        try {
            s3.listObjectsV2Paginator(b -> b.bucket(storage.bucket()).prefix(keys.root()).delimiter("/"))
                    .commonPrefixes().stream().map(CommonPrefix::prefix)
                    .map(p -> p.substring(keys.root().length(), p.length() - 1))
                    .filter(name -> !name.startsWith("."))
                    .forEach(names::add);
        } catch (SdkException e) {
            throw CliException.unreachable("the object store (" + storage + ")", e);
        }
        return names;
    }

    InputStream open(String key) {
        try {
            return s3.getObject(b -> b.bucket(storage.bucket()).key(key));
        } catch (NoSuchKeyException e) {
            throw new CliException(ExitCode.FAILED, "no object " + key + " in bucket " + storage.bucket());
        } catch (SdkException e) {
            throw CliException.unreachable("the object store (" + storage + ")", e);
        }
    }

    private Optional<JsonNode> readJson(String key) {
        try (InputStream in = open(key)) {
            JsonNode node = json.readTree(in);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public ArchiveKeys keys() {
        return keys;
    }

    @Override
    public List<StoredObject> objects(String prefix) {
        try {
            List<StoredObject> objects = new ArrayList<>();
            s3.listObjectsV2Paginator(b -> b.bucket(storage.bucket()).prefix(prefix)).contents()
                    .forEach(o -> objects.add(new StoredObject(o.key(), o.size(), o.lastModified())));
            return objects;
        } catch (SdkException e) {
            throw CliException.unreachable("the object store (" + storage + ")", e);
        }
    }

    @Override
    public List<OpenUpload> uploads(String prefix) {
        try {
            List<OpenUpload> uploads = new ArrayList<>();
            s3.listMultipartUploadsPaginator(b -> b.bucket(storage.bucket()).prefix(prefix)).uploads()
                    .forEach(u -> uploads.add(new OpenUpload(u.key(), u.uploadId(), u.initiated())));
            return uploads;
        } catch (SdkException e) {
            throw CliException.unreachable("the object store (" + storage + ")", e);
        }
    }

    @Override
    public Optional<JsonNode> json(String key) {
        try (InputStream in = s3.getObject(b -> b.bucket(storage.bucket()).key(key))) {
            JsonNode node = json.readTree(in);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(key + " is not a JSON object");
            }
            return Optional.of(node);
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(key + " is not JSON", e);
        } catch (IOException | SdkException e) {
            throw CliException.unreachable("the object store (" + storage + ")", e);
        }
    }

    @Override
    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(storage.bucket()).key(key));
    }

    @Override
    public void abort(OpenUpload upload) {
        s3.abortMultipartUpload(b -> b.bucket(storage.bucket()).key(upload.key()).uploadId(upload.uploadId()));
    }

    @Override
    public void close() {
        s3.close();
    }
}
