package dev.shoehorn.backup.reaction;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.Redactor;
import io.quarkus.runtime.StartupEvent;

/**
 * At start-up: refuses a configuration with which an enabled reaction could not work (better a
 * worker that does not start than one that acks every restore and does nothing), registers the
 * configured token with the redactor, and says in one line which reactions this process runs.
 */
@ApplicationScoped
public class ReactionsStartup {

    private static final Logger LOG = Logger.getLogger(ReactionsStartup.class);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    void onStart(@Observes StartupEvent start, BackfillConfig backfill, CacheFlushConfig cache) {
        backfill.token().ifPresent(Redactor::registerSecret);
        List<String> problems = problems(backfill, cache);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid reaction configuration: " + String.join("; ", problems));
        }
        LOG.infof("stage=reactions backfill=%s%s cache=%s%s", backfill.enabled() ? "enabled" : "disabled",
                backfill.enabled() ? " api=" + origin(backfill.api().orElseThrow()) : "",
                cache.enabled() ? "enabled" : "disabled",
                cache.enabled() ? " mode=" + cache.mode().label() + " database=" + cache.database() : "");
    }

    /** What is wrong with the configuration of the enabled reactions; empty when nothing is. */
    static List<String> problems(BackfillConfig backfill, CacheFlushConfig cache) {
        List<String> problems = new ArrayList<>();
        if (backfill.enabled()) {
            URI api = backfill.api().orElse(null);
            if (api == null) {
                problems.add("backup.reactions.backfill.api is required");
            } else if (!api.isAbsolute() || api.getHost() == null
                    || !("http".equals(api.getScheme()) || "https".equals(api.getScheme()))) {
                problems.add("backup.reactions.backfill.api must be an http(s) URL with a host");
            } else if (api.getUserInfo() != null) {
                problems.add("backup.reactions.backfill.api must not carry credentials: use token or token-file");
            } else if ("http".equals(api.getScheme()) && !isLoopback(api.getHost())) {
                problems.add("backup.reactions.backfill.api must be https: the token would cross the network"
                        + " in clear text (plain http is accepted to localhost, 127.0.0.0/8 and ::1 only)");
            }
            if (backfill.token().filter(t -> !t.isBlank()).isEmpty() && backfill.tokenFile().isEmpty()) {
                problems.add("backup.reactions.backfill.token or token-file is required");
            }
            if (backfill.maxAttempts() < 1) {
                problems.add("backup.reactions.backfill.max-attempts must be at least 1");
            }
            if (backfill.pollInterval().isNegative() || backfill.pollInterval().isZero()) {
                problems.add("backup.reactions.backfill.poll-interval must be positive");
            }
            if (backfill.backoffMax().compareTo(backfill.backoffInitial()) < 0) {
                problems.add("backup.reactions.backfill.backoff-max must not be below backoff-initial");
            }
        }
        if (cache.enabled()) {
            if (cache.mode() == FlushMode.PATTERNS
                    && cache.patterns().filter(p -> p.stream().anyMatch(s -> !s.isBlank())).isEmpty()) {
                problems.add("backup.reactions.cache.patterns is required in mode patterns");
            }
            if (cache.database() < 0) {
                problems.add("backup.reactions.cache.database must not be negative");
            }
            if (cache.scanCount() < 1) {
                problems.add("backup.reactions.cache.scan-count must be at least 1");
            }
            if (cache.maxAttempts() < 1) {
                problems.add("backup.reactions.cache.max-attempts must be at least 1");
            }
        }
        return problems;
    }

    /**
     * Literal loopback addresses and {@code localhost} only: a name is not resolved, as what it
     * resolves to at start-up says nothing about where the token goes later.
     */
    static boolean isLoopback(String host) {
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (literal.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (IPV4.matcher(literal).matches()) {
            return literal.startsWith("127.")
                    && Arrays.stream(literal.split("\\.")).allMatch(octet -> Integer.parseInt(octet) < 256);
        }
        try {
            return literal.contains(":") && InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String origin(URI api) {
        return api.getScheme() + "://" + api.getHost() + (api.getPort() < 0 ? "" : ":" + api.getPort());
    }
}
