/**
 * The jar's entry points, and the only classes the application's class loader ever loads:
 * {@code PageOwnerAgent} ({@code premain}, {@code agentmain}, {@code main}) and the command line's
 * dispatch. When the options say {@code on}, everything else is loaded by the agent's own class
 * loader, starting with {@code io.pageowner.runtime.AgentCore}, named by string, never linked.
 * <p>
 * Depends on: {@code options}; for {@code main} only, {@code cli} and the analysis commands.
 */
package io.pageowner.agent;
