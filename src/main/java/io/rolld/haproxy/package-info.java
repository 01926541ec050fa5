/**
 * Speaking HAProxy's runtime API (the "stats socket" CLI): one command per connection, every
 * answer checked. {@link io.rolld.haproxy.RuntimeApi} is the typed client the front and the drain
 * use; {@link io.rolld.haproxy.AdminSocketTransport} carries the text over a Unix or loopback TCP
 * socket. Nothing here decides which server gets what: that is the front's job.
 */
package io.rolld.haproxy;
