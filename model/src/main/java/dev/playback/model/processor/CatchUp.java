package dev.playback.model.processor;

/**
 * The result of bringing one aggregate's state up to a version.
 *
 * @param applied events applied now
 * @param version the version the state is at afterwards
 * @param complete false when the events table does not (yet) hold the requested version
 */
public record CatchUp(String aggregateId, int applied, long version, boolean complete) {
}
