package dev.shoehorn.backup.failure;

/** An exception whose cause is a {@link Failure} value: a failed step, a refused command. */
public interface CarriesFailure {

    Failure failure();
}
