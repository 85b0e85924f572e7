package dev.shoehorn.backup.failure;

/** Carries a {@link Failure} out of deep call stacks (process I/O, SDK callbacks) to the job loop. */
public final class JobFailedException extends RuntimeException implements CarriesFailure {

    private final transient Failure failure;

    public JobFailedException(Failure failure) {
        super(failure.code() + ": " + failure.message(), null, false, false);
        this.failure = failure;
    }

    public JobFailedException(Failure failure, Throwable cause) {
        super(failure.code() + ": " + failure.message(), cause, false, false);
        this.failure = failure;
    }

    @Override
    public Failure failure() {
        return failure;
    }
}
