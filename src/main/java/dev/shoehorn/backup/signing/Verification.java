package dev.shoehorn.backup.signing;

/** What a record's {@code bw-signature} header is worth. */
public sealed interface Verification permits Verification.Valid, Verification.Missing, Verification.Invalid {

    /** {@code valid}, {@code missing} or {@code invalid}: the {@code verdict=} of log lines. */
    String verdict();

    /** A signature of a trusted key over this kind and these exact value bytes. */
    record Valid(String keyId) implements Verification {
        @Override
        public String verdict() {
            return "valid";
        }
    }

    /** No header at all. */
    record Missing() implements Verification {
        @Override
        public String verdict() {
            return "missing";
        }
    }

    /**
     * A header that proves nothing. {@code reason} is the verifier's own words; of the header it
     * quotes at most a key id or version in a bounded, sanitised form, so that it is safe in an
     * event, a dead-letter header and a log line.
     */
    record Invalid(String reason) implements Verification {
        @Override
        public String verdict() {
            return "invalid";
        }
    }
}
