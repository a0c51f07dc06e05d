/**
 * The jar's entry points, and the only classes the application's class loader ever loads:
 * {@code PageOwnerAgent} ({@code premain}, {@code agentmain}, {@code main}), the command line's
 * dispatch and {@code AgentLoader}. When the options say {@code on}, everything else is loaded by the
 * agent's own class loader ({@code AgentLoader}, which reads the nested Byte Buddy jar only when it
 * weaves), starting with {@code io.pageowner.runtime.AgentCore}, named by string, never linked.
 * <p>
 * Depends on: {@code options}; for {@code main} only, {@code cli} and the analysis commands.
 */
package io.pageowner.agent;
