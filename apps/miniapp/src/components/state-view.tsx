import { Button, View } from '@tarojs/components'

/** Empty and error states: a mark, a title, a hint and an optional action. */
export function StateView(props: { mark?: string; title: string; text?: string; actionText?: string; onAction?: () => void }) {
  return (
    <View className='state'>
      <View className='state-mark'>{props.mark ?? '·'}</View>
      <View className='state-title'>{props.title}</View>
      {props.text ? <View className='state-text'>{props.text}</View> : null}
      {props.actionText && props.onAction ? (
        <Button className='btn btn-small' onClick={props.onAction}>
          {props.actionText}
        </Button>
      ) : null}
    </View>
  )
}

export function ErrorView(props: { message: string; onRetry: () => void }) {
  return <StateView mark='!' title='加载失败' text={props.message} actionText='重试' onAction={props.onRetry} />
}
