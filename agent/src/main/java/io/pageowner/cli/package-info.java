/**
 * {@code java -jar page-owner.jar dump|on|off|status|list}: the agent's command line for a JVM that is
 * already running, by process id, the way {@code jcmd} works.
 * <p>
 * <b>How.</b> The JDK's attach mechanism ({@code com.sun.tools.attach}, module {@code jdk.attach}) reaches a
 * JVM of the same OS user; {@code startLocalManagementAgent()} gives a JMX address, and every command then
 * talks to the agent's MBean ({@code io.pageowner:type=PageOwner}) over it. {@code on} loads this same jar
 * with {@code loadAgent} when the agent has not published its options in the target's agent properties
 * ({@code io.pageowner.options.AttachProperties}), and reads them there afterwards, with no JMX connection;
 * the agent then tracks from that moment on.
 * <p>
 * <b>Where it runs.</b> Only in the command's own JVM. The agent's {@code premain} and {@code agentmain}
 * never reach this package ({@code PageOwnerAgent.main} is the one way in), so a target never loads it;
 * {@code CliOnIT} checks that with the target's class-load log.
 * <p>
 * <b>Before attaching</b> the arguments are checked (agent options with the agent's own parser), and the pid
 * is checked to exist, to belong to this user, and to catch SIGQUIT: attaching sends SIGQUIT, which kills any
 * process that does not handle it, and JDK 17's attach code does not look first.
 * <p>
 * <b>Exit status</b> ({@link io.pageowner.analysis.ExitStatus}): 0 done, 1 wrong command line, 2 failed, 3
 * page-owner is not loaded in that JVM. One line on stderr per failure; stack traces with {@code -d}.
 * <p>
 * Depends on: {@code options} (to validate options before loading, and the agent properties; it depends on nothing),
 * {@code dump.DumpPaths}, the MBean's name in {@code jmx}, and the exit statuses of the analysis module
 * ({@code io.pageowner.analysis.ExitStatus}), the same for every command of the jar.
 */
package io.pageowner.cli;
