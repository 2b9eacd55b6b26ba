import EChartsReact from 'echarts-for-react';
import type { ComponentType, CSSProperties } from 'react';

// echarts-for-react ships CommonJS types that NodeNext resolution misreads; the runtime default is the component
export const Chart = ((EChartsReact as unknown as { default?: unknown }).default ??
  EChartsReact) as ComponentType<{
  option: unknown;
  style?: CSSProperties;
}>;
