/**
 * mermaid's colours from the VS Code theme on show (its CSS variables), so a diagram reads the same as the
 * editor beside it in light, dark and high-contrast themes; and the colours of the drift marks.
 */

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export function themeKind(): ThemeKind {
  const classes = document.body.classList;
  if (classes.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (classes.contains('vscode-high-contrast')) return 'high-contrast';
  if (classes.contains('vscode-dark')) return 'dark';
  return 'light';
}

function cssVariable(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  // mermaid computes shades from these; it reads hex and rgb() colours, not names or transparent ones.
  return /^#[0-9a-f]{3,8}$/i.test(value) || /^rgba?\(/i.test(value) ? value : fallback;
}

export interface DiagramTheme {
  readonly kind: ThemeKind;
  readonly variables: Readonly<Record<string, string>>;
  /** classDef lines for the drift marks (the host names the classes; the colours are the theme's). */
  readonly classDefs: readonly string[];
}

export function currentTheme(): DiagramTheme {
  const kind = themeKind();
  const dark = kind === 'dark' || kind === 'high-contrast';
  const contrast = kind === 'high-contrast' || kind === 'high-contrast-light';
  const background = cssVariable('--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff');
  const foreground = cssVariable('--vscode-editor-foreground', dark ? '#d4d4d4' : '#1f1f1f');
  const border = contrast ? cssVariable('--vscode-contrastBorder', foreground) : cssVariable('--vscode-editorWidget-border', dark ? '#454545' : '#c8c8c8');
  const header = contrast ? background : cssVariable('--vscode-sideBar-background', dark ? '#252526' : '#f3f3f3');
  const rowOdd = contrast ? background : cssVariable('--vscode-editorWidget-background', dark ? '#252526' : '#f3f3f3');
  const variables: Record<string, string> = {
    darkMode: dark ? 'true' : 'false',
    background,
    fontFamily: getComputedStyle(document.body).fontFamily || 'sans-serif',
    fontSize: '13px',
    primaryColor: header,
    primaryTextColor: foreground,
    primaryBorderColor: border,
    secondaryColor: rowOdd,
    tertiaryColor: background,
    lineColor: foreground,
    textColor: foreground,
    mainBkg: header,
    nodeBorder: border,
    clusterBkg: contrast ? background : cssVariable('--vscode-editorGroupHeader-tabsBackground', dark ? '#2d2d2d' : '#ececec'),
    clusterBorder: border,
    titleColor: foreground,
    edgeLabelBackground: background,
    attributeBackgroundColorOdd: rowOdd,
    attributeBackgroundColorEven: background,
  };
  const onlyDdl = cssVariable('--vscode-charts-orange', '#d18616');
  const onlyDatabase = cssVariable('--vscode-charts-blue', '#3794ff');
  const differs = cssVariable('--vscode-charts-yellow', '#cca700');
  return {
    kind,
    variables,
    classDefs: [
      `classDef driftOnlyDdl stroke:${onlyDdl},stroke-width:3px,stroke-dasharray:8 4`,
      `classDef driftOnlyDatabase stroke:${onlyDatabase},stroke-width:3px,stroke-dasharray:8 4`,
      `classDef driftDiffers stroke:${differs},stroke-width:3px`,
    ],
  };
}
