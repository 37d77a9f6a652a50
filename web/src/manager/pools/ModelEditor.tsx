import { useImperativeHandle, useRef, useState } from 'react';
import type { ChangeEvent, Ref, UIEvent } from 'react';
import { Box } from '@mui/material';

/** Where a problem is in the text (1-based), as the API's `line L, column C: ...` says. */
export interface TextMark {
  line: number;
  column: number;
  message: string;
}

export interface ModelEditorHandle {
  /** Puts the caret at a line and column and scrolls it into the middle of the view. */
  goTo: (line: number, column: number) => void;
}

export interface ModelEditorProps {
  value: string;
  onChange: (text: string) => void;
  readOnly: boolean;
  marks: TextMark[];
  label: string;
  ref?: Ref<ModelEditorHandle>;
}

const LINE = 20;
const PAD = 8;

/**
 * The model text in a monospace editor with line numbers; lines with a problem are marked in
 * the gutter (a sign and the colour) and across the text. A plain textarea, so every browser
 * and screen reader edits it as text.
 */
export function ModelEditor({ value, onChange, readOnly, marks, label, ref }: ModelEditorProps) {
  const area = useRef<HTMLTextAreaElement>(null);
  const [scroll, setScroll] = useState({ top: 0, left: 0 });
  const textLines = value.split('\n');
  const lines = textLines.length;
  const marked = new Map<number, string>();
  for (const m of marks) if (!marked.has(m.line)) marked.set(m.line, m.message);

  useImperativeHandle(ref, () => ({
    goTo(line, column) {
      const el = area.current;
      if (!el) return;
      const starts = textLines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
      const at = Math.min(value.length, starts + Math.max(0, column - 1));
      el.focus();
      el.setSelectionRange(at, at);
      el.scrollTop = Math.max(0, (line - 1) * LINE - el.clientHeight / 2);
    },
  }));

  return (
    <Box
      sx={{
        position: 'relative',
        display: 'flex',
        height: { xs: 360, md: 480 },
        border: 1,
        borderColor: 'divider',
        borderRadius: 1,
        bgcolor: readOnly ? 'action.hover' : 'background.paper',
        overflow: 'hidden',
        fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
        fontSize: 13,
        lineHeight: `${LINE}px`,
        '&:focus-within': { outline: 2, outlineColor: 'primary.main', outlineOffset: -1 },
      }}
    >
      <Box aria-hidden sx={{ flex: '0 0 auto', overflow: 'hidden', bgcolor: 'action.hover', borderRight: 1, borderColor: 'divider', color: 'text.secondary', userSelect: 'none' }}>
        <Box sx={{ transform: `translateY(${-scroll.top}px)`, py: `${PAD}px` }}>
          {Array.from({ length: lines }, (_, i) => {
            const problem = marked.get(i + 1);
            return (
              <Box
                key={i}
                data-line={i + 1}
                data-marked={problem ? 'true' : undefined}
                title={problem}
                sx={{ height: LINE, px: 1, textAlign: 'right', minWidth: 44, ...(problem ? { bgcolor: 'error.main', color: 'error.contrastText', fontWeight: 700 } : {}) }}
              >
                {problem ? '! ' : ''}
                {i + 1}
              </Box>
            );
          })}
        </Box>
      </Box>
      <Box sx={{ position: 'relative', flex: 1, minWidth: 0 }}>
        <Box aria-hidden sx={{ position: 'absolute', inset: 0, overflow: 'hidden', pointerEvents: 'none' }}>
          <Box sx={{ transform: `translateY(${-scroll.top}px)` }}>
            {[...marked.keys()].map((line) => (
              <Box key={line} sx={{ position: 'absolute', left: 0, right: 0, top: PAD + (line - 1) * LINE, height: LINE, bgcolor: 'rgba(211, 47, 47, 0.12)' }} />
            ))}
            {marks.map((m, i) => (
              // Underlines from the problem's column to the end of its line (monospace: 1ch per character).
              <Box
                key={i}
                sx={{
                  position: 'absolute',
                  left: `calc(${PAD}px + ${m.column - 1}ch - ${scroll.left}px)`,
                  width: `${Math.max(1, (textLines[m.line - 1]?.length ?? 0) - m.column + 1)}ch`,
                  top: PAD + m.line * LINE - 3,
                  height: 2,
                  bgcolor: 'error.main',
                }}
              />
            ))}
          </Box>
        </Box>
        <Box
          component="textarea"
          ref={area}
          aria-label={label}
          name="modelText"
          value={value}
          readOnly={readOnly}
          spellCheck={false}
          wrap="off"
          onChange={(e: ChangeEvent<HTMLTextAreaElement>) => onChange(e.target.value)}
          onScroll={(e: UIEvent<HTMLTextAreaElement>) => setScroll({ top: e.currentTarget.scrollTop, left: e.currentTarget.scrollLeft })}
          sx={{
            position: 'relative',
            display: 'block',
            width: '100%',
            height: '100%',
            m: 0,
            p: `${PAD}px`,
            border: 0,
            outline: 0,
            resize: 'none',
            bgcolor: 'transparent',
            color: 'text.primary',
            font: 'inherit',
            lineHeight: 'inherit',
            whiteSpace: 'pre',
            overflow: 'auto',
            tabSize: 2,
          }}
        />
      </Box>
    </Box>
  );
}
