// A page that throws while rendering shows a message and a way back instead of blanking the whole console (React
// unmounts everything up to the nearest boundary, and without one that is the shell). Keyed by the path in the
// shell, so moving to another page starts clean.
import { Button, Result } from 'antd';
import { Component, type ReactNode } from 'react';

interface Props {
  readonly title: string;
  readonly retryLabel: string;
  readonly children: ReactNode;
}

interface State {
  readonly error: Error | null;
}

export class PageErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error): void {
    // Kept in the browser console for whoever reports it; the page itself shows no stack.
    console.error('page render failed', error);
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <Result
        status="error"
        title={this.props.title}
        data-testid="page-error"
        extra={
          <Button type="primary" onClick={() => this.setState({ error: null })}>
            {this.props.retryLabel}
          </Button>
        }
      />
    );
  }
}
