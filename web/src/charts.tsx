import EChartsReact from 'echarts-for-react';
import type { ComponentType, CSSProperties } from 'react';

type ChartProps = { option: unknown; style?: CSSProperties };

// echarts-for-react ships CommonJS types that NodeNext resolution misreads; the runtime default is the component
const ECharts = ((EChartsReact as unknown as { default?: unknown }).default ??
  EChartsReact) as ComponentType<ChartProps>;

/** An echarts chart with a short animation: a live refresh should not replay a second-long draw. */
export function Chart({ option, style }: ChartProps) {
  return (
    <ECharts
      option={{ animationDuration: 250, animationDurationUpdate: 200, ...(option as object) }}
      style={style}
    />
  );
}
