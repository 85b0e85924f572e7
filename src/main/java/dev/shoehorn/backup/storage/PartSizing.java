package dev.shoehorn.backup.storage;

/**
 * The part size of an upload. An upload holds {@code partsInFlight + 1} part-sized buffers and S3
 * takes at most {@value #MAX_PARTS} parts, so the part size sets both the memory of a job and the
 * largest archive it can store. Parts are the configured size, larger where the expected archive
 * would need more than {@value #PLANNED_PARTS} of them, and never so large that the buffers exceed
 * the memory budget: that budget, not the database, bounds memory, and sets the largest archive.
 */
record PartSizing(long configuredPart, int partsInFlight, long memoryBudget) {

    static final long MIB = 1024 * 1024;
    /** S3 accepts at most this many parts in one multipart upload. */
    static final int MAX_PARTS = 10_000;
    /**
     * A quarter of {@link #MAX_PARTS}: an archive four times its estimate still fits, such as a
     * database that compresses 1:1 where 4:1 was expected.
     */
    static final int PLANNED_PARTS = 2_500;
    /** S3's smallest part (all but the last). */
    static final long MIN_PART = 5 * MIB;
    /** S3's largest part is 5 GiB; a Java array stops short of 2 GiB. */
    private static final long MAX_PART = floorMiB(Integer.MAX_VALUE - 8);

    PartSizing {
        if (configuredPart < MIN_PART) {
            throw new IllegalArgumentException("backup.storage.part-size must be at least 5M, S3's smallest part");
        }
        if (largestPart(memoryBudget, partsInFlight) < MIN_PART) {
            throw new IllegalArgumentException(String.format(
                    "backup.storage.memory-budget of %d MiB cannot hold %d buffers of 5 MiB (S3's smallest part):"
                            + " raise it to at least %dM or lower backup.storage.parts-in-flight",
                    memoryBudget / MIB, partsInFlight + 1, (partsInFlight + 1) * 5));
        }
    }

    static PartSizing of(StorageConfig config) {
        return new PartSizing(config.partSize().asLongValue(), config.partsInFlight(),
                config.memoryBudget().asLongValue());
    }

    /** The part size for an archive of about {@code expectedBytes}. */
    int partSize(long expectedBytes) {
        long needed = ceilMiB(-Math.floorDiv(-Math.max(0, expectedBytes), PLANNED_PARTS));
        return (int) Math.min(largestPart(), Math.max(configuredPart, needed));
    }

    /** The largest part the budget allows, in whole MiB. */
    long largestPart() {
        return largestPart(memoryBudget, partsInFlight);
    }

    /** The largest archive one upload can hold within the budget. */
    long largestArchive() {
        return MAX_PARTS * largestPart();
    }

    private static long largestPart(long memoryBudget, int partsInFlight) {
        return Math.min(MAX_PART, floorMiB(memoryBudget / (partsInFlight + 1)));
    }

    // whole MiB, so that part sizes and limits read well in logs and docs
    private static long floorMiB(long bytes) {
        return bytes / MIB * MIB;
    }

    private static long ceilMiB(long bytes) {
        return (bytes + MIB - 1) / MIB * MIB;
    }
}
