/**
 * The control protocol between the daemon and the {@code rolld} client commands, over the control
 * socket: a client writes one {@link io.rolld.control.Request} as a JSON line, the daemon answers
 * with {@link io.rolld.control.Answer}s, one JSON line each, and closes the connection when done.
 * Both are sealed families of records with their encoding and decoding in one place, so the daemon
 * and the client switch over them exhaustively; a refusal carries an {@link io.rolld.control.ErrorCode}.
 * The wire format is kept byte for byte across builds: a rolld re-executed into a newer build talks
 * to older clients, and the other way round. Nothing here knows about groups, rollouts or sockets.
 */
package io.rolld.control;
