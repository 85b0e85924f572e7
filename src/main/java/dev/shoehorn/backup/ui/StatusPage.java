package dev.shoehorn.backup.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.ResponseHeader;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.ArchiveSummary;
import dev.shoehorn.backup.storage.DrillReports.DrillSummary;
import dev.shoehorn.backup.overdue.OverdueWatchdog;
import dev.shoehorn.backup.overdue.TargetHealth;
import dev.shoehorn.backup.schedule.Cron;
import dev.shoehorn.backup.schedule.Schedules;
import dev.shoehorn.backup.target.Target;
import dev.shoehorn.backup.target.TargetRegistry;
import io.smallrye.mutiny.Multi;

/**
 * The read-only status page: the page itself (no data in it), the state it starts from
 * ({@code api/status}) and the changes that follow ({@code api/events}, server-sent events fed
 * from the progress topic). Nothing it serves carries a secret; nothing is cached by a proxy; with
 * {@code backup.ui.token} set, the data needs that bearer token.
 */
@Path("/ui")
public class StatusPage {

    /**
     * One target as the page shows it; {@code overdue} is null while the watchdog has not looked (or is
     * off, or the target has no window); {@code drillSchedule} is null for drills on demand only.
     */
    public record TargetState(String name, boolean isProtected, boolean restorable, ArchiveSummary lastGood,
            List<ArchiveSummary> archives, String storageError, String schedule, Instant nextRun, Boolean overdue,
            Instant overdueAt, String drillSchedule, List<DrillSummary> drills) {
    }

    /** What the page starts from. */
    public record State(Instant now, List<TargetState> targets, ProgressView.Snapshot jobs) {
    }

    private static final Map<String, String> ASSETS = Map.of(
            "app.js", "application/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8");
    /**
     * Archives and drills are listed again after this long, or at once after a backup (drill) of that
     * target ended.
     */
    private static final Duration LISTING_FRESH = Duration.ofSeconds(30);
    /** The drills shown per target, newest first. */
    private static final int DRILLS_SHOWN = 3;
    private static final Duration HEARTBEAT = Duration.ofSeconds(25);
    private static final String CONNECTED = "connected";
    private static final String HEARTBEAT_TYPE = "heartbeat";

    private final UiConfig config;
    private final ProgressView view;
    private final ArchiveStore store;
    private final TargetRegistry targets;
    private final Schedules schedules;
    private final OverdueWatchdog watchdog;
    private final Map<String, Listed<ArchiveSummary>> listed = new ConcurrentHashMap<>();
    private final Map<String, Listed<DrillSummary>> drilled = new ConcurrentHashMap<>();

    private record Listed<T>(Instant at, List<T> items) {
    }

    public StatusPage(UiConfig config, ProgressView view, ArchiveStore store, TargetRegistry targets,
            Schedules schedules, OverdueWatchdog watchdog) {
        this.schedules = schedules;
        this.watchdog = watchdog;
        this.config = config;
        this.view = view;
        this.store = store;
        this.targets = targets;
        view.listen(update -> {
            if (update.job() == null || update.job().target() == null) {
                return;
            }
            if (update.type().endsWith(".backup.completed")) {
                listed.remove(update.job().target());
            } else if (update.type().contains(".drill.")) {
                drilled.remove(update.job().target());
            }
        });
    }

    /** The page at {@code /ui/}; {@code /ui} sends there, so that the page's relative links resolve under it. */
    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response page(@Context UriInfo uri) {
        requireEnabled();
        if (!uri.getPath().endsWith("/")) {
            return Response.status(Response.Status.MOVED_PERMANENTLY).location(URI.create("ui/")).build();
        }
        return Response.ok(read("index.html")).build();
    }

    @GET
    @Path("{asset:app\\.(js|css)}")
    public Response asset(@PathParam("asset") String name) {
        requireEnabled();
        return Response.ok(read(name)).type(ASSETS.get(name)).build();
    }

    @GET
    @Path("api/status")
    @Produces(MediaType.APPLICATION_JSON)
    public State status(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        authorize(authorization);
        List<TargetState> states = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>();
        targets.all().forEach(t -> names.add(t.name()));
        Instant now = Instant.now();
        for (String name : names) {
            Target target = targets.find(name).orElseThrow();
            Optional<Cron> cron = schedules.of(name);
            Optional<TargetHealth> health = watchdog.health(name).filter(h -> h.window() != null);
            List<ArchiveSummary> archives = List.of();
            List<DrillSummary> drills = List.of();
            String storageError = null;
            try {
                archives = fresh(listed, name, () -> store.archives(name, config.archivesPerTarget()));
                drills = fresh(drilled, name, () -> store.drills(name, DRILLS_SHOWN));
            } catch (JobFailedException e) {
                storageError = e.failure().message();
            }
            ArchiveSummary lastGood = archives.stream().filter(ArchiveSummary::complete).findFirst().orElse(null);
            states.add(new TargetState(name, target.isProtected(), target.restorable(), lastGood, archives, storageError,
                    cron.map(Cron::toString).orElse(null), cron.map(c -> c.next(now)).orElse(null),
                    health.map(TargetHealth::overdue).orElse(null), health.map(TargetHealth::overdueAt).orElse(null),
                    Cron.parseUnlessOff(target.drill().schedule(), target.drill().scheduleZone()).map(Cron::toString)
                            .orElse(null), drills));
        }
        return new State(now, states, view.snapshot());
    }

    @GET
    @Path("api/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @ResponseHeader(name = "Cache-Control", value = "no-store")
    @ResponseHeader(name = "X-Content-Type-Options", value = "nosniff")
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<ProgressView.Update> events(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        authorize(authorization);
        Multi<ProgressView.Update> updates = Multi.createFrom().emitter(emitter -> {
            // the first message sends the answer's headers at once: the page knows it is live
            emitter.emit(new ProgressView.Update(CONNECTED, null));
            Consumer<ProgressView.Update> listener = emitter::emit;
            view.listen(listener);
            emitter.onTermination(() -> view.unlisten(listener));
        });
        // a quiet stream still speaks now and then, so that proxies keep it open and a dead one is noticed
        Multi<ProgressView.Update> heartbeats = Multi.createFrom().ticks().every(HEARTBEAT)
                .map(tick -> new ProgressView.Update(HEARTBEAT_TYPE, null));
        return Multi.createBy().merging().streams(updates, heartbeats);
    }

    /** Every answer under /ui: never stored by a proxy or the browser, never sniffed, framed or referred. */
    @ServerResponseFilter
    public void headers(ContainerRequestContext request, ContainerResponseContext response) {
        if (!request.getUriInfo().getPath().startsWith("/ui")) {
            return;
        }
        var headers = response.getHeaders();
        headers.putSingle(HttpHeaders.CACHE_CONTROL, "no-store");
        headers.putSingle("Pragma", "no-cache");
        headers.putSingle("X-Content-Type-Options", "nosniff");
        headers.putSingle("Referrer-Policy", "no-referrer");
        headers.putSingle("X-Frame-Options", "DENY");
        headers.putSingle("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'");
    }

    /** What {@code list} gives for the target, listed again when older than {@link #LISTING_FRESH}. */
    private static <T> List<T> fresh(Map<String, Listed<T>> cache, String target, Supplier<List<T>> list) {
        Listed<T> known = cache.get(target);
        if (known == null || known.at().plus(LISTING_FRESH).isBefore(Instant.now())) {
            known = new Listed<>(Instant.now(), list.get());
            cache.put(target, known);
        }
        return known.items();
    }

    private void authorize(String authorization) {
        requireEnabled();
        if (config.token().isEmpty()) {
            return;
        }
        byte[] expected = ("Bearer " + config.token().get()).getBytes(StandardCharsets.UTF_8);
        byte[] given = authorization == null ? new byte[0] : authorization.getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, given)) {
            throw new WebApplicationException(Response.status(Response.Status.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"backup-worker\"").build());
        }
    }

    private void requireEnabled() {
        if (!config.enabled()) {
            throw new NotFoundException();
        }
    }

    private static String read(String name) {
        try (InputStream in = StatusPage.class.getResourceAsStream("/ui/" + name)) {
            if (in == null) {
                throw new NotFoundException();
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
