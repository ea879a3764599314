/**
 * The local EventBridge of the one-machine runtime: the rules and schedules of template.yaml, run as on AWS.
 *
 * <ul>
 *   <li>{@link dev.onebox.events.LocalEventBridge} — bus + scheduler thread + HTTP server, one call.</li>
 *   <li>{@link dev.onebox.events.EventBus} — the default and custom event buses (a rule sees only the
 *       events of its bus) with their resource policies (enforced for callers of other accounts), rules
 *       ({@link dev.onebox.events.Rule}), PutEvents with AWS's envelope and limits, delivery to a
 *       {@link dev.onebox.events.TargetInvoker} with retries; failures logged and kept.</li>
 *   <li>{@link dev.onebox.events.Scheduler} — {@link dev.onebox.events.Schedule}s with
 *       {@code cron(...)}/{@code rate(...)} on an injectable clock; {@code fireNow} for manual runs.</li>
 *   <li>{@code pattern} — event pattern validation and matching; {@code transform} — target input
 *       (Input, InputPath, InputTransformer); {@code schedule} — schedule expressions; {@code server} — the
 *       AWS JSON 1.1 endpoint for the SDK's EventBridgeClient.</li>
 * </ul>
 */
package dev.onebox.events;
