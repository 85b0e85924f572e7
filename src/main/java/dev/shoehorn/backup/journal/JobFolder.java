package dev.shoehorn.backup.journal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.journal.JobRecord.Outcome;

/**
 * Folds journal events into jobs, one event at a time. A job is handed to the sink when its terminal
 * event arrives; jobs still open are kept, at most {@code maxOpen} of them (the oldest beyond that is
 * handed on as it stands, {@link Outcome#RUNNING}), so that memory is bounded by the jobs running at
 * once, never by the number of events read.
 */
public final class JobFolder {

    private static final Map<String, Outcome> TERMINAL = Map.of(
            "completed", Outcome.COMPLETED,
            "flushed", Outcome.COMPLETED,
            "passed", Outcome.COMPLETED,
            "pruned", Outcome.COMPLETED,
            "overdue", Outcome.FAILED,
            "overdue-cleared", Outcome.COMPLETED,
            "failed", Outcome.FAILED,
            "flush-failed", Outcome.FAILED,
            "rejected", Outcome.REJECTED,
            "skipped", Outcome.SKIPPED);

    private final int maxOpen;
    private final Consumer<JobRecord> sink;
    private final LinkedHashMap<String, OpenJob> open = new LinkedHashMap<>();

    /**
     * @param maxOpen most jobs kept open at once
     * @param sink receives each job once, when it ended (or was evicted, or at {@link #flush()})
     */
    public JobFolder(int maxOpen, Consumer<JobRecord> sink) {
        if (maxOpen < 1) {
            throw new IllegalArgumentException("maxOpen must be at least 1");
        }
        this.maxOpen = maxOpen;
        this.sink = sink;
    }

    /**
     * Adds one event; returns the job as it now stands. A second copy of an event (a {@code seq} the
     * job has had: a send the producer gave up on though it had landed, made again) changes nothing.
     */
    public JobRecord accept(JournalEvent event) {
        OpenJob job = open.get(event.jobId());
        if (job != null && job.seen(event)) {
            return job.record();
        }
        if (job == null) {
            job = new OpenJob(event);
            open.put(event.jobId(), job);
            evictBeyondLimit();
        }
        job.add(event);
        JobRecord now = job.record();
        if (now.outcome().ended()) {
            open.remove(event.jobId());
            sink.accept(now);
        }
        return now;
    }

    /** The jobs seen start but not end, oldest first. */
    public List<JobRecord> running() {
        return open.values().stream().map(OpenJob::record).toList();
    }

    public Optional<JobRecord> openJob(String jobId) {
        return Optional.ofNullable(open.get(jobId)).map(OpenJob::record);
    }

    /** Hands every job still open to the sink, as it stands, and forgets them. */
    public void flush() {
        Collection<OpenJob> remaining = new ArrayList<>(open.values());
        open.clear();
        remaining.forEach(job -> sink.accept(job.record()));
    }

    private void evictBeyondLimit() {
        Iterator<OpenJob> oldest = open.values().iterator();
        while (open.size() > maxOpen && oldest.hasNext()) {
            OpenJob evicted = oldest.next();
            oldest.remove();
            sink.accept(evicted.record());
        }
    }

    /** A job being folded; mutable, so that an event costs no copy of the stages so far. */
    private static final class OpenJob {
        private final String jobId;
        private String kind;
        private final List<JobRecord.Stage> stages = new ArrayList<>();
        private String target;
        private String commandId;
        private String requestedBy;
        private String reason;
        private String sourceTarget;
        private String restoreJobId;
        private String worker;
        private Outcome outcome = Outcome.RUNNING;
        private String stage;
        private java.time.Instant firstAt;
        private java.time.Instant lastAt;
        private JobRecord.Progress progress;
        private JobRecord.Archive archive;
        private JobRecord.Error error;
        private String originalJobId;
        private String originalOutcome;
        private Boolean targetChanged;
        private long lastSeq;
        private boolean complete = true;

        OpenJob(JournalEvent first) {
            this.jobId = first.jobId();
            this.kind = first.kind();
            this.firstAt = first.time();
        }

        boolean seen(JournalEvent event) {
            long seq = event.data().path("seq").asLong(0);
            return seq > 0 && seq <= lastSeq;
        }

        void add(JournalEvent event) {
            JsonNode data = event.data();
            long seq = data.path("seq").asLong(0);
            if (seq != lastSeq + 1) {
                complete = false;
            }
            lastSeq = Math.max(lastSeq, seq);
            lastAt = event.time();
            worker = event.source();
            if ("drill".equals(event.kind()) || data.path("drill").asBoolean(false)) {
                kind = "drill"; // a drill's job comes in on the restore topic: restore.accepted with drill true
            }
            target = text(data, "target", target);
            commandId = text(data, "commandId", commandId);
            requestedBy = text(data, "requestedBy", requestedBy);
            reason = text(data, "reason", reason);
            sourceTarget = text(data, "sourceTarget", sourceTarget);
            restoreJobId = text(data, "restoreJobId", restoreJobId);
            originalJobId = text(data, "originalJobId", originalJobId);
            originalOutcome = text(data, "originalOutcome", originalOutcome);
            if (data.has("targetChanged")) {
                targetChanged = data.path("targetChanged").asBoolean();
            }
            if (data.has("bytesDone")) {
                progress = new JobRecord.Progress(data.path("bytesDone").asLong(), data.path("bytesTotal").asLong(-1),
                        data.path("percent").asInt(-1), event.time());
            }
            JsonNode archiveNode = data.path("archive");
            if (archiveNode.isObject()) {
                archive = new JobRecord.Archive(archiveNode.path("key").asText(null),
                        archiveNode.hasNonNull("bytes") ? archiveNode.path("bytes").asLong() : null,
                        archiveNode.path("sha256").asText(null), archiveNode.path("format").asText(null));
            }
            JsonNode errorNode = data.path("error");
            if (errorNode.isObject()) {
                error = new JobRecord.Error(errorNode.path("code").asText(null), errorNode.path("message").asText(null),
                        errorNode.hasNonNull("retryable") ? errorNode.path("retryable").asBoolean() : null);
            }
            if (!event.isProgress()) {
                stage = event.stage();
                stages.add(new JobRecord.Stage(stage, event.time(), null));
                outcome = TERMINAL.getOrDefault(stage, Outcome.RUNNING);
            }
        }

        JobRecord record() {
            List<JobRecord.Stage> timed = new ArrayList<>(stages.size());
            for (int i = 0; i < stages.size(); i++) {
                JobRecord.Stage s = stages.get(i);
                Long duration = i + 1 < stages.size()
                        ? java.time.Duration.between(s.at(), stages.get(i + 1).at()).toMillis()
                        : null;
                timed.add(new JobRecord.Stage(s.name(), s.at(), duration));
            }
            return new JobRecord(jobId, kind, target, commandId, requestedBy, reason, sourceTarget, restoreJobId,
                    worker, outcome, stage, List.copyOf(timed), firstAt, lastAt == null ? firstAt : lastAt, progress,
                    archive, error, originalJobId, originalOutcome, targetChanged, complete);
        }

        private static String text(JsonNode data, String field, String current) {
            JsonNode value = data.path(field);
            return value.isTextual() ? value.asText() : current;
        }
    }
}
