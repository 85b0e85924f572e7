package dev.shoehorn.backup.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.sql.SQLException;
import java.util.Properties;
import java.util.UUID;
import java.util.logging.Level;

import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.WriterHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedactingLogFilterTest {

    private final String category = "test.redact." + UUID.randomUUID();
    private final StringWriter written = new StringWriter();
    private final WriterHandler handler = new WriterHandler();

    @BeforeEach
    void aHandlerWithTheFilter() {
        handler.setWriter(written);
        handler.setFormatter(new PatternFormatter("%p %s%e%n"));
        handler.setFilter(new RedactingLogFilter());
        handler.setAutoFlush(true);
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(category);
        logger.setUseParentHandlers(false);
        logger.addHandler(handler);
    }

    @AfterEach
    void removeIt() {
        java.util.logging.Logger.getLogger(category).removeHandler(handler);
    }

    @Test
    void aFormattedMessageIsMaskedWhateverTheApi() {
        // When a JBoss Logging printf call and a java.util.logging call (the path of the Kafka client's SLF4J) log secrets
        org.jboss.logging.Logger.getLogger(category).warnf("cannot reach %s", "postgresql://app:hunter22@db/x");
        java.util.logging.Logger.getLogger(category).log(Level.WARNING, "sasl config {0}",
                "PlainLoginModule required password=\"hunter22\";");

        // Then the lines are written, masked
        assertThat(written.toString()).contains("WARN cannot reach ***",
                "WARNING sasl config PlainLoginModule required password=***").doesNotContain("hunter22");
    }

    @Test
    void anExceptionChainIsMaskedAndKeepsItsTypesAndStack() {
        // Given a driver exception with a secret in its message, wrapped in one without
        Exception failure = new IllegalStateException("job failed",
                new SQLException("FATAL: could not connect to rediss://app:hunter22@cache:6380"));

        // When it is logged
        org.jboss.logging.Logger.getLogger(category).error("stage=job", failure);

        // Then the stack trace shows every type and frame, and no secret
        assertThat(written.toString()).contains("java.lang.IllegalStateException: job failed",
                "Caused by: java.sql.SQLException: FATAL: could not connect to ***",
                "at dev.shoehorn.backup.failure.RedactingLogFilterTest.anExceptionChainIsMaskedAndKeepsItsTypesAndStack")
                .doesNotContain("hunter22", "MaskedException");
    }

    @Test
    void aSecretInASuppressedExceptionIsMaskedToo() {
        Exception failure = new IllegalStateException("closing failed");
        failure.addSuppressed(new IOException("upload to https://key:hunter22@s3.internal/b failed"));

        org.jboss.logging.Logger.getLogger(category).error("stage=close", failure);

        assertThat(written.toString()).contains("Suppressed: java.io.IOException: upload to https://***@s3.internal/b")
                .doesNotContain("hunter22");
    }

    @Test
    void aRecordWithoutSecretsIsWrittenUnchanged() {
        Exception failure = new IllegalStateException("permission denied for table tenants");

        org.jboss.logging.Logger.getLogger(category).infof(failure, "job=%s stage=%s", "j-1", "dump");

        assertThat(written.toString()).startsWith(
                "INFO job=j-1 stage=dump: java.lang.IllegalStateException: permission denied for table tenants");
        assertThat(RedactingLogFilter.masked(failure, new java.util.HashSet<>())).isSameAs(failure);
    }

    @Test
    void theConsoleAndFileHandlersUseIt() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            properties.load(in);
        }

        assertThat(properties).containsEntry("quarkus.log.console.filter", RedactingLogFilter.NAME)
                .containsEntry("quarkus.log.file.filter", RedactingLogFilter.NAME);
    }
}
