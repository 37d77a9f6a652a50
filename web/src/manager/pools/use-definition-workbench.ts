import { useRef, useState } from 'react';
import { ApiError } from '../../api/client.js';
import { useFeedback } from '../../components/feedback.js';
import type { ModelEditorHandle, TextMark } from './ModelEditor.js';
import { modelProblems } from './model-problems.js';

/** What the Validate, Activate and Delete buttons last did, shown above the editor. */
export interface DefinitionOutcome {
  severity: 'success' | 'error' | 'warning';
  text: string;
}

/** How one definition language's workbench speaks and which calls it makes. */
export interface DefinitionFlow<Summary> {
  initialText: string;
  /** The error code whose details point at lines and columns of the text. */
  problemCode: 'MODEL_REJECTED' | 'FILTER_REJECTED';
  /** The notification for a refused text, after "Not valid: " or "Not activated: ". */
  describeProblems: (found: TextMark[]) => string;
  /** Whether a conflict (409) is shown as a warning rather than an error. */
  conflictIsWarning?: boolean;
  validate: (text: string) => Promise<Summary>;
  describeValid: (summary: Summary) => string;
  /** Asks before the validated text replaces the active one; false leaves everything as it is. */
  mayReplace: (summary: Summary) => Promise<boolean>;
  /** Activates the text and says what happened. */
  activate: (text: string) => Promise<string>;
  /** Asks before deleting the active definition; false when there is none or the user says no. */
  mayDelete: () => Promise<boolean>;
  /** Deletes the active definition and says what happened. */
  remove: () => Promise<string>;
}

/**
 * The flow of a definition text edited in the browser: validate (problems marked at their line
 * and column, the caret on the first), activate after validating and asking, delete, or load a
 * file. Every outcome is shown and notified.
 */
export function useDefinitionWorkbench<Summary>(flow: DefinitionFlow<Summary>) {
  const feedback = useFeedback();
  const editor = useRef<ModelEditorHandle>(null);
  const file = useRef<HTMLInputElement>(null);
  const [text, setText] = useState(flow.initialText);
  const [problems, setProblems] = useState<TextMark[]>([]);
  const [outcome, setOutcome] = useState<DefinitionOutcome | null>(null);

  const said = (text: string) => {
    setOutcome({ severity: 'success', text });
    feedback.notify(text);
  };

  const refused = (error: unknown, what: string) => {
    const found = modelProblems(error, flow.problemCode);
    if (found) {
      setProblems(found);
      setOutcome(null);
      editor.current?.goTo(found[0]!.line, found[0]!.column);
      feedback.notify(`${what}: ${flow.describeProblems(found)}`, 'error');
      return;
    }
    setProblems([]);
    const message = error instanceof ApiError && error.status === 403 ? `Access denied. ${error.message}` : error instanceof Error ? error.message : String(error);
    setOutcome({ severity: flow.conflictIsWarning && error instanceof ApiError && error.status === 409 ? 'warning' : 'error', text: message });
    feedback.notify(`${what}: ${message}`, 'error');
  };

  const check = async (): Promise<Summary | null> => {
    try {
      const summary = await flow.validate(text);
      setProblems([]);
      return summary;
    } catch (error) {
      refused(error, 'Not valid');
      return null;
    }
  };

  const onValidate = async () => {
    const summary = await check();
    if (summary) said(flow.describeValid(summary));
  };

  const onActivate = async () => {
    const summary = await check();
    if (!summary || !(await flow.mayReplace(summary))) return;
    try {
      said(await flow.activate(text));
    } catch (error) {
      refused(error, 'Not activated');
    }
  };

  const onDelete = async () => {
    if (!(await flow.mayDelete())) return;
    try {
      const done = await flow.remove();
      setProblems([]);
      setOutcome(null);
      feedback.notify(done);
    } catch (error) {
      refused(error, 'Not deleted');
    }
  };

  const onFile = async (f: File | undefined) => {
    if (!f) return;
    const content = await f.text();
    setText(content);
    setProblems([]);
    setOutcome(null);
    feedback.notify(`Loaded ${f.name} (${content.split('\n').length} lines): Validate or Activate it.`, 'info');
  };

  return {
    editor,
    file,
    text,
    setText,
    problems,
    outcome,
    clearOutcome: () => setOutcome(null),
    goTo: (p: TextMark) => editor.current?.goTo(p.line, p.column),
    onValidate,
    onActivate,
    onDelete,
    onFile,
  };
}
