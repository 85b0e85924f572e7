package dev.shoehorn.backup.target;

import java.io.IOException;
import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/** At start-up, removes the {@code .pgpass} files that killed workers on this host left behind. */
@ApplicationScoped
public class PassFileSweeper {

    private static final Logger LOG = Logger.getLogger(PassFileSweeper.class);

    void onStart(@Observes StartupEvent start) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try {
            int removed = PassFileDirectory.sweep(tmp);
            if (removed > 0) {
                LOG.infof("stage=pgpass-sweep dir=%s removed=%d", tmp, removed);
            }
        } catch (IOException e) {
            LOG.warnf("stage=pgpass-sweep dir=%s msg=\"%s\"", tmp, e.getMessage());
        }
    }
}
