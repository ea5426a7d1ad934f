import { Box, useInput, usePaste, useWindowSize } from 'ink';
import { useEffect } from 'react';
import { AlertsPane } from './AlertsPane';
import { ConfirmQuit } from './ConfirmQuit';
import { useConsole, useConsoleContext } from './ConsoleContext';
import { ContainerDetailView } from './ContainerDetail';
import { ContainerPane } from './ContainerPane';
import { DataDetail } from './DataDetail';
import { ErrorRatePane } from './ErrorRatePane';
import { Header } from './Header';
import { HelpOverlay } from './HelpOverlay';
import { keyName } from './keyName';
import { LogDetail } from './LogDetail';
import { LogPane } from './LogPane';
import { PaletteOverlay } from './PaletteOverlay';
import { PatternsPane } from './PatternsPane';
import { FilterBar, PromptOverlay } from './PromptOverlay';
import { freshMessage, StatusBar, statusRows } from './StatusBar';
import { TimelineDetail, TimelinePane } from './TimelinePane';
import { TriagePane } from './TriagePane';

/** Columns from which containers and error rates sit side by side. */
export const WIDE_LAYOUT_COLUMNS = 120;

export interface AppProps {
  threshold: number;
}

export function computeLayout(columns: number, rows: number, services: number, containers: number) {
  const wide = columns >= WIDE_LAYOUT_COLUMNS;
  const paneRows = (n: number) => 2 + Math.max(1, n);
  const maxTop = Math.max(3, Math.floor((rows - 2) / (wide ? 2 : 3)));
  const containersHeight = Math.min(paneRows(containers), maxTop);
  const ratesHeight = Math.min(paneRows(services), maxTop);
  const top = wide ? Math.max(containersHeight, ratesHeight) : containersHeight + ratesHeight;
  const logsHeight = Math.max(2, rows - 2 - top);
  return {
    wide,
    containersHeight: wide ? top : containersHeight,
    ratesHeight: wide ? top : ratesHeight,
    logsHeight,
  };
}

export function App({ threshold }: AppProps) {
  const { controls } = useConsoleContext();
  const { columns, rows } = useWindowSize();
  const focus = useConsole((s) => s.ui.focus);
  const overlay = useConsole((s) => s.ui.overlay);
  const view = useConsole((s) => s.ui.view);
  const filtering = useConsole((s) => s.ui.prompt?.purpose === 'filter');
  const filteringAlerts = useConsole((s) => s.ui.prompt?.filterOf === 'alerts');
  // Services with data and configured ones without: both take a row in the error-rate pane.
  const serviceCount = useConsole(
    (s) => new Set([...Object.keys(s.signals), ...Object.keys(s.expected.services)]).size,
  );
  const containerCount = useConsole((s) => Object.keys(s.containers).length);
  const detailOf = useConsole((s) => s.ui.detailOf);
  // A long status message takes rows from the panes rather than being cut.
  const statusHeight = useConsole((s) => statusRows(freshMessage(s), s.logs.received, columns).length);
  const bodyRows = rows - 1 - statusHeight;
  const layout = computeLayout(columns, bodyRows + 2, serviceCount, containerCount);
  const pageRows = layout.logsHeight - 1;
  useEffect(() => controls.actions.setLogPageRows(pageRows), [controls, pageRows]);

  useInput((input, key) => {
    // Over a slow link several keystrokes can arrive in one read: handle them one by one, each in
    // the mode the previous one left (a "D" opens a prompt that the following letters type into).
    const plainText = input.length > 1 && !key.ctrl && !key.meta && !key.escape && !/[\u001b]/.test(input);
    const keys = plainText
      ? [...input].map((ch) => {
          const code = ch.charCodeAt(0);
          // A control character in the run (`^W` is 0x17) is that Ctrl key; DEL is Backspace.
          if (code >= 1 && code <= 26 && ch !== '\r' && ch !== '\t' && ch !== '\n')
            return { input: String.fromCharCode(code + 96), key: { ...key, ctrl: true } };
          if (code === 0x7f) return { input: '', key: { ...key, backspace: true } };
          return { input: ch, key: { ...key, return: ch === '\r', tab: ch === '\t' } };
        })
      : [{ input, key }];
    for (const k of keys) {
      const typed = k.input && !k.key.ctrl && !k.key.meta ? k.input : '';
      controls.dispatch(keyName(k.input, k.key), typed);
    }
  });

  // A paste is text, never keystrokes (bracketed paste, which this turns on): its line breaks become
  // spaces, so no pasted line can press Enter in a prompt and run what follows it as keys.
  usePaste((text) => controls.dispatch(undefined, text.replace(/\r\n|\r|\n/g, ' ')));

  const half = Math.floor(columns / 2);
  const bottom =
    overlay === 'confirm-quit' ? (
      <ConfirmQuit width={columns} />
    ) : overlay === 'prompt' && filtering ? (
      // The filter applies as it is typed, so the logs stay in view under a one-line input.
      <Box flexDirection="column">
        <FilterBar width={columns} />
        {filteringAlerts ? (
          <AlertsPane width={columns} height={layout.logsHeight - 1} />
        ) : (
          <LogPane width={columns} height={layout.logsHeight - 1} focused={focus === 'logs'} />
        )}
      </Box>
    ) : overlay === 'prompt' ? (
      <PromptOverlay width={columns} />
    ) : view === 'triage' ? (
      <TriagePane width={columns} height={layout.logsHeight} />
    ) : view === 'alerts' ? (
      <AlertsPane width={columns} height={layout.logsHeight} />
    ) : view === 'patterns' ? (
      <PatternsPane width={columns} height={layout.logsHeight} />
    ) : view === 'timeline' ? (
      <TimelinePane width={columns} height={layout.logsHeight} />
    ) : (
      <LogPane width={columns} height={layout.logsHeight} focused={focus === 'logs'} />
    );
  const body =
    overlay === 'help' ? (
      <HelpOverlay width={columns} height={bodyRows} />
    ) : overlay === 'detail' ? (
      detailOf === 'data' ? (
        <DataDetail width={columns} height={bodyRows} />
      ) : detailOf === 'timeline' ? (
        <TimelineDetail width={columns} height={bodyRows} />
      ) : (
        <LogDetail width={columns} height={bodyRows} />
      )
    ) : overlay === 'container' ? (
      <ContainerDetailView width={columns} height={bodyRows} />
    ) : overlay === 'palette' ? (
      <PaletteOverlay width={columns} height={bodyRows} />
    ) : (
      <>
        <Box flexDirection={layout.wide ? 'row' : 'column'}>
          <ContainerPane
            width={layout.wide ? half : columns}
            height={layout.containersHeight}
            focused={focus === 'containers'}
          />
          <ErrorRatePane
            width={layout.wide ? columns - half : columns}
            height={layout.ratesHeight}
            focused={focus === 'rates'}
            threshold={threshold}
          />
        </Box>
        {bottom}
      </>
    );
  return (
    <Box flexDirection="column" width={columns} height={rows}>
      <Header width={columns} />
      <Box flexDirection="column" height={bodyRows} overflow="hidden">
        {body}
      </Box>
      <StatusBar width={columns} />
    </Box>
  );
}
