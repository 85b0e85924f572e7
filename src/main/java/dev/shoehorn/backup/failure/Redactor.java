package dev.shoehorn.backup.failure;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Last line of defence before text from tools and drivers (pg_dump's stderr, JDBC and SDK
 * exceptions) reaches an event or a log line (every log line passes it: {@link RedactingLogFilter}):
 * connection URIs, the user info of any URL, key=value and JSON passwords, secrets and tokens, and
 * every secret value the worker has loaded are masked. Redis URLs count as connection URIs: they
 * carry the password of the cache that the cache-flush reaction clears.
 */
public final class Redactor {

    private static final String MASK = "***";
    private static final Pattern URI = Pattern.compile("(?i)\\b(?:(?:jdbc:)?postgres(?:ql)?|rediss?)://\\S+");
    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)\\b(password|passwd|pwd|secret|token|sslpassword|access[_-]?key[_-]?id|secret[_-]?access[_-]?key)\\s*[=:]\\s*\\S+");
    /** {@code "password": "…"}, {@code "secretAccessKey":…}, {@code \"token\":\"…\"} (JSON inside a string). */
    private static final Pattern JSON_FIELD = Pattern.compile("(?i)(\\\\?\"[\\w.-]*(?:password|passwd|secret|token)[\\w.-]*"
            + "\\\\?\"\\s*:\\s*)(?:\\\\\"(?:(?!\\\\\").)*\\\\\"|\"(?:[^\"\\\\]|\\\\.)*\"|[^,}\\s]+)");
    /** {@code scheme://user:password@host}: whatever the scheme, the part before {@code @} is a credential. */
    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/?#\\s@]+@");
    private static final Pattern BEARER = Pattern.compile("(?i)\\bbearer\\s+\\S+");
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    private Redactor() {
    }

    /** Remembers a secret value so that it is masked wherever it turns up. */
    public static void registerSecret(String secret) {
        if (secret != null && secret.length() >= 4) {
            SECRETS.add(secret);
        }
    }

    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : SECRETS) {
            out = out.replace(secret, MASK);
        }
        out = URI.matcher(out).replaceAll(MASK);
        out = USER_INFO.matcher(out).replaceAll("$1" + MASK + "@");
        out = JSON_FIELD.matcher(out).replaceAll("$1\"" + MASK + "\"");
        out = KEY_VALUE.matcher(out).replaceAll("$1=" + MASK);
        out = BEARER.matcher(out).replaceAll("Bearer " + MASK);
        return out;
    }
}
