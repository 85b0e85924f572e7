package dev.shoehorn.backup.restore;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DatabaseIdentityTest {

    @Test
    void aListSettingIsSetAgainElementByElement() {
        // Given search_path as PostgreSQL stores it: elements that need it double-quoted
        String stored = "app, \"Mixed Case\", \"with \"\"quote\"\"\", \"$user\", public";

        // Then each element becomes a literal of its own, unquoted, so that none merges with another
        assertThat(DatabaseIdentity.splitList(stored)).containsExactly("app", "Mixed Case", "with \"quote\"",
                "$user", "public");
        assertThat(DatabaseIdentity.value("search_path", stored))
                .isEqualTo("'app', 'Mixed Case', 'with \"quote\"', '$user', 'public'");
    }

    @Test
    void anyOtherSettingIsOneLiteral() {
        assertThat(DatabaseIdentity.value("work_mem", "7MB")).isEqualTo("'7MB'");
        assertThat(DatabaseIdentity.value("app.tenant", "a, b")).isEqualTo("'a, b'");
    }

    @Test
    void literalsAndIdentifiersAreQuotedAsPostgresQuotesThem() {
        assertThat(Databases.literal("it's")).isEqualTo("'it''s'");
        assertThat(Databases.literal("C:\\dir")).isEqualTo("E'C:\\\\dir'");
        assertThat(Databases.ident("Mixed \"Case\"")).isEqualTo("\"Mixed \"\"Case\"\"\"");
        assertThat(Databases.localeProvider("c", null)).isEmpty();
        assertThat(Databases.localeProvider("i", "de-CH")).isEqualTo(" LOCALE_PROVIDER icu ICU_LOCALE 'de-CH'");
    }
}
