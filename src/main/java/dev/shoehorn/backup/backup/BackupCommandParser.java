package dev.shoehorn.backup.backup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.codec.Compression;
import dev.shoehorn.backup.command.CommandConfig;
import dev.shoehorn.backup.command.CommandReader;

/**
 * Reads a record of {@code backup.commands} into a {@link BackupCommand}, or refuses it naming the
 * field at fault; whether the target exists is the shared intake's check.
 */
@ApplicationScoped
public class BackupCommandParser {

    private static final int MAX_MISSED_LISTED = 100;

    private final ObjectMapper json;
    private final CommandConfig config;

    public BackupCommandParser(ObjectMapper json, CommandConfig config) {
        this.json = json;
        this.config = config;
    }

    /** @throws dev.shoehorn.backup.command.RejectedException when the record is not a valid backup command */
    public BackupCommand parse(byte[] record) {
        CommandReader reader = CommandReader.of(json, record, config.maxRecordBytes());
        var commandId = reader.commandId();
        String target = reader.target("target");
        String requestedBy = reader.requestedBy();
        String reason = reader.optionalText("reason", 1000).orElse(null);
        BackupOptions options = reader.optionalObject("options").map(o -> options(reader, o))
                .orElse(BackupOptions.DEFAULT);
        Optional<ScheduledSlot> schedule = reader.optionalObject("schedule").map(s -> schedule(reader, s));
        return new BackupCommand(commandId, target, requestedBy, reason, options, reader.optionalInstant("requestedAt"),
                schedule);
    }

    /** A scheduler's note on its slot; bounded like every field, as any publisher may write one. */
    private static ScheduledSlot schedule(CommandReader reader, JsonNode node) {
        CommandReader slotReader = reader.within(node, "schedule");
        Instant slot = slotReader.optionalInstant("slot")
                .orElseThrow(() -> reader.invalid("schedule.slot is required in a schedule"));
        List<Instant> missed = new ArrayList<>();
        JsonNode list = node.get("missed");
        if (list != null && !list.isNull()) {
            if (!list.isArray() || list.size() > MAX_MISSED_LISTED) {
                throw reader.invalid("schedule.missed must be an array of at most " + MAX_MISSED_LISTED + " date-times");
            }
            for (JsonNode item : list) {
                if (!item.isTextual()) {
                    throw reader.invalid("schedule.missed must hold RFC 3339 date-times");
                }
                missed.add(CommandReader.instant(item.asText()).orElseThrow(
                        () -> reader.invalid("schedule.missed must hold RFC 3339 date-times")));
            }
        }
        JsonNode count = node.get("missedCount");
        long missedCount = count == null || count.isNull() ? missed.size() : count.canConvertToLong()
                && count.isIntegralNumber() && count.asLong() >= missed.size() ? count.asLong() : -1;
        if (missedCount < 0) {
            throw reader.invalid("schedule.missedCount must be a whole number no smaller than the missed list");
        }
        return new ScheduledSlot(slot, slotReader.optionalText("expression", 200).orElse(null),
                slotReader.optionalText("zone", 64).orElse(null), missed, missedCount,
                slotReader.optionalText("missedBecause", 40).orElse(null));
    }

    private static BackupOptions options(CommandReader reader, JsonNode node) {
        JsonNode format = node.get("format");
        Optional<String> chosen = Optional.empty();
        if (format != null && !format.isNull()) {
            if (!format.isTextual() || !List.of(BackupOptions.CUSTOM, BackupOptions.DIRECTORY).contains(format.asText())) {
                throw reader.invalid("options.format must be \"custom\" or \"directory\"");
            }
            chosen = Optional.of(format.asText());
        }
        JsonNode jobs = node.get("jobs");
        Optional<Integer> parallel = Optional.empty();
        if (jobs != null && !jobs.isNull()) {
            if (!jobs.isInt() || jobs.asInt() < 1 || jobs.asInt() > BackupOptions.MAX_JOBS) {
                throw reader.invalid("options.jobs must be a whole number from 1 to " + BackupOptions.MAX_JOBS);
            }
            if (jobs.asInt() > 1 && !chosen.equals(Optional.of(BackupOptions.DIRECTORY))) {
                throw reader.invalid("options.jobs above 1 needs options.format \"directory\"");
            }
            parallel = Optional.of(jobs.asInt());
        }
        JsonNode compression = node.get("compression");
        if (compression == null || compression.isNull()) {
            return new BackupOptions(chosen, parallel, Optional.empty());
        }
        if (!compression.isTextual() || compression.asText().length() > 40) {
            throw reader.invalid("options.compression must be zstd[:level], native[:gzip|lz4|zstd][:level] or none");
        }
        try {
            return new BackupOptions(chosen, parallel, Optional.of(Compression.parse(compression.asText())));
        } catch (IllegalArgumentException e) {
            throw reader.invalid("options." + e.getMessage());
        }
    }
}
