package dev.shoehorn.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class ArchiveKeysTest {

    @Test
    void archiveKeysFollowTheOperationsGuideNamingInUtc() {
        ArchiveKeys keys = new ArchiveKeys("backups/");

        String key = keys.archive("shoehorn", Instant.parse("2026-11-28T02:00:05.900Z"));

        assertThat(key).isEqualTo("backups/shoehorn/shoehorn_20261128_020005.dump");
        assertThat(ArchiveKeys.manifestOf(key)).isEqualTo("backups/shoehorn/shoehorn_20261128_020005.dump.manifest.json");
    }

    @Test
    void commandRecordsLiveWhereNoTargetCanBeOnePerKindTargetAndCommandId() {
        assertThat(new ArchiveKeys("backups").command("restore", "shoehorn", "2f0d6f1e-6a55-4a0e-9a43-8f7d2b9f6c11"))
                .isEqualTo("backups/.commands/restore/shoehorn/2f0d6f1e-6a55-4a0e-9a43-8f7d2b9f6c11.json");
        assertThat(new ArchiveKeys("backups").command("backup", "shoehorn", "2f0d6f1e-6a55-4a0e-9a43-8f7d2b9f6c11"))
                .isNotEqualTo(new ArchiveKeys("backups").command("restore", "shoehorn",
                        "2f0d6f1e-6a55-4a0e-9a43-8f7d2b9f6c11"))
                .isNotEqualTo(new ArchiveKeys("backups").command("backup", "staging",
                        "2f0d6f1e-6a55-4a0e-9a43-8f7d2b9f6c11"));
        assertThat(new ArchiveKeys("").targetPrefix("x")).isEqualTo("x/");
    }

    @Test
    void reactionRecordsLiveBesideThemPerReaction() {
        assertThat(new ArchiveKeys("backups").reaction("backfill", "c3a4e1f2-5b6d-4e7f-8a9b-0c1d2e3f4a5b"))
                .isEqualTo("backups/.reactions/backfill/c3a4e1f2-5b6d-4e7f-8a9b-0c1d2e3f4a5b.json");
    }
}
