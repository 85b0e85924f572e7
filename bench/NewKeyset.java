import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;

/**
 * Writes a new archive keyset (one AES256_GCM_HKDF_1MB key, Tink's JSON) to a new 0600 file, for
 * the benchmarks' encrypted target; the worker's own jars hold Tink:
 *
 * <pre>
 * java -cp 'target/quarkus-app/lib/main/*' bench/NewKeyset.java FILE
 * </pre>
 */
public final class NewKeyset {

    public static void main(String[] args) throws Exception {
        StreamingAeadConfig.register();
        String json = TinkJsonProtoKeysetFormat.serializeKeyset(
                KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB),
                InsecureSecretKeyAccess.get());
        Path file = Path.of(args[0]);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, json);
    }
}
