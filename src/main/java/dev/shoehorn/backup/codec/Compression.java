package dev.shoehorn.backup.codec;

import java.util.List;

/**
 * How a dump is compressed, written as pg_dump writes {@code --compress}: {@code zstd[:level]}
 * (pg_dump writes uncompressed, the worker compresses with zstd), {@code native[:gzip|lz4|zstd][:level]}
 * (pg_dump compresses; lz4 and zstd need pg_dump 16 or later) or {@code none}.
 *
 * @param algorithm {@code zstd}, {@code gzip}, {@code lz4} or {@code none}
 * @param level the algorithm's level, or null for its default
 * @param inWorker whether the worker compresses (true for {@code zstd}), or pg_dump does
 */
public record Compression(String algorithm, Integer level, boolean inWorker) {

    /** What pg_dump can compress with; first, as the constants below are checked against it. */
    private static final List<String> NATIVE_ALGORITHMS = List.of("gzip", "lz4", "zstd");

    public static final Compression NONE = new Compression("none", null, false);
    /** pg_dump's own default: gzip at its default level; what manifests from before compression was recorded mean. */
    public static final Compression NATIVE = new Compression("gzip", null, false);
    /** Level 3 is zstd's default; docs/performance.md has the measurements behind the choice. */
    public static final Compression ZSTD = new Compression("zstd", 3, true);

    public Compression {
        if (!inWorker && !"none".equals(algorithm) && !NATIVE_ALGORITHMS.contains(algorithm)) {
            throw new IllegalArgumentException("pg_dump cannot compress with " + algorithm);
        }
        if (inWorker && !"zstd".equals(algorithm)) {
            throw new IllegalArgumentException("the worker compresses with zstd only");
        }
        if (level != null && !levelFits(algorithm, level)) {
            throw new IllegalArgumentException(algorithm + " has no level " + level);
        }
    }

    /**
     * Reads {@code zstd}, {@code zstd:19}, {@code native}, {@code native:6}, {@code native:lz4},
     * {@code native:zstd:5} or {@code none}.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code spec}
     */
    public static Compression parse(String spec) {
        String[] parts = spec.split(":", -1);
        try {
            switch (parts[0]) {
                case "none":
                    if (parts.length == 1) {
                        return NONE;
                    }
                    break;
                case "zstd":
                    if (parts.length <= 2) {
                        return new Compression("zstd", parts.length == 2 ? Integer.valueOf(parts[1]) : ZSTD.level, true);
                    }
                    break;
                case "native":
                    if (parts.length == 1) {
                        return NATIVE;
                    }
                    if (parts.length == 2 && parts[1].matches("-?\\d+")) {
                        return new Compression("gzip", Integer.valueOf(parts[1]), false);
                    }
                    if (parts.length <= 3 && NATIVE_ALGORITHMS.contains(parts[1])) {
                        return new Compression(parts[1], parts.length == 3 ? Integer.valueOf(parts[2]) : null, false);
                    }
                    break;
                default:
                    break;
            }
        } catch (IllegalArgumentException e) {
            throw refused(spec, " (" + e.getMessage() + ")");
        }
        throw refused(spec, "");
    }

    private static IllegalArgumentException refused(String spec, String why) {
        return new IllegalArgumentException("compression \"" + spec + "\" is none of zstd[:level 1-22], "
                + "native[:gzip|lz4|zstd][:level] and none" + why);
    }

    /** The spec {@link #parse} reads back. */
    public String spec() {
        if (inWorker) {
            return "zstd:" + level;
        }
        if ("none".equals(algorithm)) {
            return "none";
        }
        return "native:" + algorithm + (level == null ? "" : ":" + level);
    }

    /** pg_dump's {@code --compress} for this compression: none of its own when the worker compresses. */
    public String pgDumpFlag() {
        if (inWorker || "none".equals(algorithm)) {
            return "--compress=0";
        }
        if ("gzip".equals(algorithm)) {
            return level == null ? null : "--compress=" + level;
        }
        return "--compress=" + algorithm + (level == null ? "" : ":" + level);
    }

    /** The oldest pg_dump that writes this compression. */
    public int minimumPgDumpMajor() {
        return inWorker || "none".equals(algorithm) || "gzip".equals(algorithm) ? 0 : 16;
    }

    /** The suffix this compression adds to an archive's name: {@code .zst} when the worker compresses. */
    public String suffix() {
        return inWorker ? ".zst" : "";
    }

    private static boolean levelFits(String algorithm, int level) {
        return switch (algorithm) {
            case "zstd" -> level >= 1 && level <= 22;
            case "gzip" -> level >= 0 && level <= 9;
            case "lz4" -> level >= 1 && level <= 12;
            default -> false;
        };
    }
}
